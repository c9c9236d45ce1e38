package org.guestcrm.deploy;

import java.nio.file.Path;

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
                case "status" -> {
                    if (!stack.status()) {
                        System.exit(3);
                    }
                }
                default -> {
                    System.out.println("usage: ./crm up [--infrastructure-only] | down | status | test");
                    System.exit("help".equals(command) ? 0 : 2);
                }
            }
        } catch (StackException e) {
            System.err.println("crm " + command + ": " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
