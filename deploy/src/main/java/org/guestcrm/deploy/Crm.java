package org.guestcrm.deploy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.guestcrm.testsupport.LocalIdentity;

/**
 * {@code ./crm up | restart PART | down | status | lag | token | bench | chaos | fuzz}: the local stack on embedded defaults. The {@code crm} script
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
                case "restart" -> {
                    if (args.length != 2) {
                        throw new StackException("usage: ./crm restart " + String.join("|", StackParts.SHORT_NAMES));
                    }
                    stack.restart(args[1]);
                }
                case "token" -> {
                    TokenRequest request = TokenRequest.parse(List.of(args).subList(1, args.length));
                    System.out.println(LocalIdentity.loadOrCreate(stack.config().keyDirectory())
                            .mint(request.tenants(), request.roles(), request.ttl(), request.subject()));
                }
                case "bench" -> {
                    int reservations = positive(args, 1, 200, "reservations");
                    int concurrency = positive(args, 2, 8, "concurrency");
                    // Optional third argument: bookings per second (an open, paced load); none = as fast as it goes.
                    int rate = args.length > 3 ? positive(args, 3, 0, "rate (bookings/s)") : 0;
                    PipelineBenchmark benchmark = new PipelineBenchmark(stack, System.out);
                    // Time for every POST and its confirmation: 5 minutes plus 50 ms per booking (20,000: 22 minutes).
                    Duration timeout = Duration.ofMinutes(5).plusMillis(50L * reservations);
                    benchmark.print(benchmark.run(reservations, concurrency, rate, timeout));
                }
                case "bench-ingest" -> {
                    int events = positive(args, 1, 1000, "reservations");
                    int concurrency = positive(args, 2, 8, "concurrency");
                    List<String> modes = args.length > 3 ? List.of(args[3].split(",")) : IngestBenchmark.MODES;
                    for (String mode : modes) {
                        if (!IngestBenchmark.MODES.contains(mode)) {
                            throw new StackException("Unknown mode " + mode + " (modes: " + String.join(",", IngestBenchmark.MODES) + ")");
                        }
                    }
                    IngestBenchmark benchmark = new IngestBenchmark(stack, System.out);
                    List<IngestBenchmark.ModeResult> results = benchmark.run(events, concurrency, modes);
                    benchmark.print(results, true);
                    if (!IngestBenchmark.passed(results)) {
                        System.exit(4);
                    }
                }
                case "bench-import" -> {
                    int profiles = positive(args, 1, 20_000, "profiles");
                    int reservations = args.length > 2 ? positive(args, 2, 0, "past stays") : 2 * profiles;
                    HistoryImportBench bench = new HistoryImportBench(stack, System.out);
                    // Patience: 10 minutes plus 20 ms per row (1M profiles and 2M stays: about 17 hours at most).
                    HistoryImportBench.Result result = bench.run(profiles, reservations,
                            Duration.ofMinutes(10).plusMillis(20L * (profiles + reservations)));
                    bench.print(result);
                    if (!result.passed()) {
                        System.exit(4);
                    }
                }
                case "chaos" -> {
                    ChaosRun.Options options = chaosOptions(List.of(args).subList(1, args.length));
                    Path stackLog = stack.config().logDirectory().resolve("chaos-stack.log");
                    java.nio.file.Files.createDirectories(stackLog.getParent());
                    try (PrintStream stackOut = new PrintStream(new java.io.FileOutputStream(stackLog.toFile(), true), true,
                            java.nio.charset.StandardCharsets.UTF_8)) {
                        System.out.println("(restarts of parts are logged to " + stackLog + ")");
                        ChaosRun.Result result = new ChaosRun(new LocalStack(stack.config(), stackOut), System.out).run(options);
                        System.out.println(result.line());
                        if (!result.passed()) {
                            System.exit(4);
                        }
                    }
                }
                case "scenario" -> {
                    int people = positive(args, 1, 100, "people");
                    ScenarioRun.Result result = new ScenarioRun(stack, System.out).run(people, java.time.Duration.ofMinutes(10));
                    System.out.println(result.line());
                    if (!result.passed()) {
                        System.exit(4);
                    }
                }
                case "fuzz" -> {
                    int requests = positive(args, 1, 2000, "requests");
                    long seed = args.length > 2 ? parseSeed(args[2]) : System.nanoTime();
                    HostileInput fuzz = new HostileInput(stack, System.out);
                    HostileInput.Result result = fuzz.run(requests, seed);
                    fuzz.print(result);
                    if (!result.passed(true)) {
                        System.exit(4);
                    }
                }
                case "lag" -> {
                    LagCommand.Options options = LagCommand.Options.parse(List.of(args).subList(1, args.length),
                            stack.config().kafkaBootstrapServers());
                    if (LagCommand.run(options, System.out) != org.guestcrm.deploy.lag.LagState.OK) {
                        System.exit(4);
                    }
                }
                case "reset-offsets" -> {
                    ResetCommand.Options options = ResetCommand.Options.parse(List.of(args).subList(1, args.length),
                            stack.config().kafkaBootstrapServers(), java.time.Clock.systemUTC());
                    if (!ResetCommand.run(options, System.out)) {
                        System.exit(4);
                    }
                }
                case "dlq" -> {
                    DlqCommand.Request request = DlqCommand.Request.parse(List.of(args).subList(1, args.length));
                    DlqCommand.forStack(stack, request, System.out).run(request);
                }
                case "status" -> {
                    if (!stack.status()) {
                        System.exit(3);
                    }
                }
                default -> {
                    System.out.println("usage: ./crm up [--infrastructure-only] | restart " + String.join("|", StackParts.SHORT_NAMES)
                            + " | down | status | lag [--watch] [--bootstrap host:port] [--config file] [--interval S] [--window N] [--partitions]"
                            + " | dlq list|show|replay|discard ... | reset-offsets GROUP --to TIME [--topic T] [--execute]"
                            + " | token [--tenant T]... [--role R]... [--ttl 8h] [--subject S]"
                            + " | bench [reservations [concurrency [rate]]] | chaos [--minutes N] [--seconds S] [--rate R] [--faults F,...] | fuzz [requests [seed]] | scenario [people] | test");
                    System.exit("help".equals(command) ? 0 : 2);
                }
            }
        } catch (StackException e) {
            System.err.println("crm " + command + ": " + e.getMessage());
            System.exit(1);
        } catch (java.io.IOException e) {
            System.err.println("crm " + command + ": " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    /** What {@code ./crm token} mints: defaults tenant demo, every role, 8 hours, subject local-admin. */
    record TokenRequest(Set<String> tenants, Set<String> roles, Duration ttl, String subject) {

        static TokenRequest parse(List<String> args) {
            Set<String> tenants = new LinkedHashSet<>();
            Set<String> roles = new LinkedHashSet<>();
            Duration ttl = Duration.ofHours(8);
            String subject = "local-admin";
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new StackException(option + " needs a value (usage: ./crm token [--tenant T]... [--role R]... [--ttl 8h] [--subject S])");
                }
                String value = args.get(++i);
                switch (option) {
                    case "--tenant" -> tenants.add(value);
                    case "--role" -> {
                        if (!LocalIdentity.ALL_ROLES.contains(value)) {
                            throw new StackException("--role " + value + ": roles are " + String.join(", ", LocalIdentity.ALL_ROLES.stream().sorted().toList()));
                        }
                        roles.add(value);
                    }
                    case "--ttl" -> ttl = duration(value);
                    case "--subject" -> subject = value;
                    default -> throw new StackException("Unknown option " + option + " (usage: ./crm token [--tenant T]... [--role R]... [--ttl 8h] [--subject S])");
                }
            }
            return new TokenRequest(tenants.isEmpty() ? Set.of("demo") : Set.copyOf(tenants),
                    roles.isEmpty() ? LocalIdentity.ALL_ROLES : Set.copyOf(roles), ttl, subject);
        }

        /** {@code 90s}, {@code 30m}, {@code 8h}, {@code 2d}, or ISO-8601 ({@code PT8H}); positive. */
        static Duration duration(String value) {
            Duration parsed;
            try {
                String lower = value.trim().toLowerCase(Locale.ROOT);
                if (lower.startsWith("p")) {
                    parsed = Duration.parse(lower.toUpperCase(Locale.ROOT));
                } else {
                    long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
                    parsed = switch (lower.charAt(lower.length() - 1)) {
                        case 's' -> Duration.ofSeconds(amount);
                        case 'm' -> Duration.ofMinutes(amount);
                        case 'h' -> Duration.ofHours(amount);
                        case 'd' -> Duration.ofDays(amount);
                        default -> throw new NumberFormatException();
                    };
                }
            } catch (RuntimeException e) {
                throw new StackException("--ttl " + value + ": a duration such as 90s, 30m, 8h, 2d or PT8H");
            }
            if (parsed.isNegative() || parsed.isZero()) {
                throw new StackException("--ttl " + value + ": must be positive");
            }
            return parsed;
        }
    }

    /**
     * {@code --minutes N} (default 5), {@code --seconds S} (instead of minutes), {@code --rate R} (bookings/s, default 5),
     * {@code --faults F,...} (fault names as the run prints them, e.g. {@code postgres_pause,kill_desk}; default all, in
     * their order).
     */
    static ChaosRun.Options chaosOptions(List<String> args) {
        Duration duration = Duration.ofMinutes(5);
        double rate = 5;
        List<ChaosRun.Fault> faults = ChaosRun.ALL_FAULTS;
        for (int i = 0; i < args.size(); i += 2) {
            String option = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (value == null) {
                throw new StackException(option + " needs a value (usage: ./crm chaos [--minutes N] [--seconds S] [--rate R] [--faults F,...])");
            }
            try {
                switch (option) {
                    case "--minutes" -> duration = Duration.ofSeconds(Math.round(Double.parseDouble(value) * 60));
                    case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(value));
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--faults" -> faults = faults(value);
                    default -> throw new StackException("Unknown option " + option + " (usage: ./crm chaos [--minutes N] [--seconds S] [--rate R] [--faults F,...])");
                }
            } catch (NumberFormatException e) {
                throw new StackException(option + " " + value + ": not a number");
            }
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(2)) > 0 || !(rate > 0) || rate > 200) {
            throw new StackException("chaos runs between 1 s and 2 hours at a rate above 0 and at most 200 bookings/s");
        }
        return new ChaosRun.Options(duration, rate, faults, Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    private static List<ChaosRun.Fault> faults(String value) {
        List<ChaosRun.Fault> faults = new java.util.ArrayList<>();
        for (String name : value.split(",")) {
            try {
                faults.add(ChaosRun.Fault.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new StackException("Unknown fault '" + name.strip() + "' (faults: " + ChaosRun.ALL_FAULTS.stream()
                        .map(f -> f.name().toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.joining(", ")) + ")");
            }
        }
        return List.copyOf(faults);
    }

    private static long parseSeed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new StackException("seed must be a whole number, not '" + value + "'");
        }
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
