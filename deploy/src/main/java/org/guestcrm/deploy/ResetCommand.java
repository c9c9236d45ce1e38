package org.guestcrm.deploy;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import org.guestcrm.deploy.lag.GroupReset;

/**
 * {@code ./crm reset-offsets GROUP --to TIME [--topic T] [--execute] [--bootstrap host:port] [--config file]}: moves a
 * consumer group back to a point in time for a rebuild. Without {@code --execute} a dry run: per partition the
 * committed offset, the target and how many records would be read again. With it, the same, committed, and only when
 * the group has no member (stop its service first). TIME is an instant ({@code 2026-12-01T06:00:00Z}) or an age
 * ({@code 90m}, {@code 6h}, {@code 2d}: that long ago).
 */
final class ResetCommand {

    static final String USAGE = "usage: ./crm reset-offsets GROUP --to (2026-12-01T06:00:00Z | 6h) [--topic T] [--execute]"
            + " [--bootstrap host:port] [--config client.properties]";

    record Options(String group, Instant to, String topic, boolean execute, String bootstrap,
            Map<String, String> clientSettings) {

        static Options parse(List<String> args, String defaultBootstrap, Clock clock) {
            String group = null;
            Instant to = null;
            String topic = null;
            boolean execute = false;
            String bootstrap = defaultBootstrap;
            Map<String, String> settings = Map.of();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--execute" -> execute = true;
                    case "--to", "--topic", "--bootstrap", "--config" -> {
                        if (i + 1 >= args.size()) {
                            throw new StackException(arg + " needs a value (" + USAGE + ")");
                        }
                        String value = args.get(++i);
                        switch (arg) {
                            case "--to" -> to = time(value, clock);
                            case "--topic" -> topic = value;
                            case "--bootstrap" -> bootstrap = value;
                            default -> settings = LagCommand.Options.clientSettings(java.nio.file.Path.of(value));
                        }
                    }
                    default -> {
                        if (arg.startsWith("--") || group != null) {
                            throw new StackException("Unexpected " + arg + " (" + USAGE + ")");
                        }
                        group = arg;
                    }
                }
            }
            if (group == null || to == null) {
                throw new StackException(USAGE);
            }
            if (to.isAfter(clock.instant())) {
                throw new StackException("--to " + to + " is in the future");
            }
            return new Options(group, to, topic, execute, bootstrap, settings);
        }

        static Instant time(String value, Clock clock) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                try {
                    return clock.instant().minus(Crm.TokenRequest.duration(value));
                } catch (StackException notADuration) {
                    throw new StackException("--to " + value + ": an instant such as 2026-12-01T06:00:00Z or an age such as 6h");
                }
            }
        }
    }

    private ResetCommand() {
    }

    /** Returns whether the reset was applied (or, for a dry run, could be). */
    static boolean run(Options options, PrintStream out) {
        GroupReset reset = new GroupReset(options.bootstrap(), options.clientSettings());
        GroupReset.Plan plan;
        try {
            plan = options.execute() ? reset.apply(options.group(), options.to(), options.topic())
                    : reset.plan(options.group(), options.to(), options.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StackException("Cannot reset " + options.group() + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
        out.printf("%-32s %5s %12s %12s %12s %12s%n", "TOPIC", "PART", "COMMITTED", "TARGET", "END", "RE-READ");
        for (GroupReset.Move m : plan.moves()) {
            out.printf("%-32s %5d %12s %12d %12d %12d%n", m.topic(), m.partition(),
                    m.committed() < 0 ? "-" : Long.toString(m.committed()), m.target(), m.end(), m.reread());
        }
        String summary = plan.group() + " to " + plan.to() + ": " + plan.totalReread() + " records to read again";
        if (plan.refusal() != null) {
            out.println((options.execute() ? "Not reset: " : "Dry run; it could not be applied now: ") + plan.refusal()
                    + ". " + summary + ".");
            return false;
        }
        out.println(options.execute() ? "Reset " + summary + "; the group's consumers read from there when started."
                : "Dry run (nothing changed): " + summary + ". Add --execute to commit it (the group must have no member).");
        return true;
    }
}
