package org.guestcrm.deploy;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./crm up | down | status}: the local stack on embedded defaults. The {@code crm} script
 * at the repository root selects a Java 21+ JDK, builds what is missing and runs this.
 */
public final class Crm {

    private Crm() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        Path root = Path.of(System.getProperty("crm.repository.root", ".")).toAbsolutePath().normalize();
        try {
            LocalStack stack = new LocalStack(StackConfig.fromEnvironment(root, System::getenv), System.out);
            switch (command) {
                case "up" -> stack.up(!(args.length > 1 && "--infrastructure-only".equals(args[1])));
                case "down" -> stack.down();
                case "bench" -> {
                    int reservations = positive(args, 1, 200, "reservations");
                    int concurrency = positive(args, 2, 8, "concurrency");
                    PipelineBenchmark benchmark = new PipelineBenchmark(stack.config(), System.out);
                    benchmark.print(benchmark.run(reservations, concurrency, Duration.ofMinutes(5)));
                }
                case "status" -> {
                    if (!stack.status()) {
                        System.exit(3);
                    }
                }
                default -> {
                    System.out.println("usage: ./crm up [--infrastructure-only] | down | status | bench [reservations [concurrency]] | test");
                    System.exit("help".equals(command) ? 0 : 2);
                }
            }
        } catch (StackException e) {
            System.err.println("crm " + command + ": " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static int positive(String[] args, int index, int defaultValue, String name) {
        if (args.length <= index) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(args[index]);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new StackException(name + " must be a positive whole number, not '" + args[index] + "'");
    }
}
