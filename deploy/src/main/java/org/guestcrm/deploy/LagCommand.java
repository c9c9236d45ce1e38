package org.guestcrm.deploy;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.guestcrm.deploy.lag.LagMonitor;
import org.guestcrm.deploy.lag.LagReport;
import org.guestcrm.deploy.lag.LagState;
import org.guestcrm.deploy.lag.LagTable;

/**
 * {@code ./crm lag [--watch] [--bootstrap host:port] [--config client.properties] [--interval S] [--window N]
 * [--partitions]}: every consumer group of a cluster (the local stack's unless {@code --bootstrap} names another) with
 * its lag in records and seconds and its judgement over a window of readings. Without {@code --watch} it reads a
 * short window (4 readings 2.5 s apart, so a group that commits every 5 s is not taken for stalled) and prints the
 * last; with it, it prints a reading every interval (default 5 s, window 10) until interrupted.
 */
final class LagCommand {

    static final String USAGE = "usage: ./crm lag [--watch] [--bootstrap host:port] [--config client.properties]"
            + " [--interval seconds] [--window readings] [--partitions]";

    record Options(String bootstrap, boolean watch, Duration interval, int window, Map<String, String> clientSettings,
            boolean partitions) {

        static Options parse(List<String> args, String defaultBootstrap) {
            String bootstrap = defaultBootstrap;
            boolean watch = false;
            boolean partitions = false;
            Double interval = null;
            Integer window = null;
            Map<String, String> settings = Map.of();
            for (int i = 0; i < args.size(); i++) {
                String option = args.get(i);
                switch (option) {
                    case "--watch" -> watch = true;
                    case "--partitions" -> partitions = true;
                    case "--bootstrap", "--interval", "--window", "--config" -> {
                        if (i + 1 >= args.size()) {
                            throw new StackException(option + " needs a value (" + USAGE + ")");
                        }
                        String value = args.get(++i);
                        try {
                            switch (option) {
                                case "--bootstrap" -> bootstrap = value;
                                case "--interval" -> interval = Double.parseDouble(value);
                                case "--window" -> window = Integer.parseInt(value);
                                default -> settings = clientSettings(Path.of(value));
                            }
                        } catch (NumberFormatException e) {
                            throw new StackException(option + " " + value + ": not a number");
                        }
                    }
                    default -> throw new StackException("Unknown option " + option + " (" + USAGE + ")");
                }
            }
            double seconds = interval != null ? interval : watch ? 5 : 2.5;
            int readings = window != null ? window : watch ? 10 : 4;
            if (!(seconds >= 0.1) || seconds > 3600) {
                throw new StackException("--interval must be between 0.1 and 3600 seconds");
            }
            if (readings < 2 || readings > 1000) {
                throw new StackException("--window must be between 2 and 1000 readings");
            }
            if (bootstrap == null || bootstrap.isBlank() || bootstrap.chars().anyMatch(Character::isWhitespace)) {
                throw new StackException("--bootstrap must be host:port[,host:port...]");
            }
            return new Options(bootstrap, watch, Duration.ofMillis(Math.round(seconds * 1000)), readings, settings,
                    partitions);
        }

        /** The {@code security.*}, {@code sasl.*} and {@code ssl.*} settings of a Kafka client properties file. */
        static Map<String, String> clientSettings(Path file) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new StackException("--config " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
            }
            Map<String, String> all = new TreeMap<>();
            properties.stringPropertyNames().forEach(name -> all.put(name, properties.getProperty(name)));
            return LagMonitor.securitySettings(all);
        }
    }

    private LagCommand() {
    }

    /** Runs the command; returns the worst state of the last reading. */
    static LagState run(Options options, PrintStream out) {
        try (LagMonitor monitor = new LagMonitor(options.bootstrap(), options.clientSettings(), options.window())) {
            if (!options.watch()) {
                out.println("Reading " + options.bootstrap() + " " + options.window() + " times, "
                        + options.interval().toMillis() / 1000.0 + " s apart ...");
                LagReport report = readWindow(monitor, options.window(), options.interval());
                LagTable.print(report, options.partitions(), out);
                return report.worst();
            }
            boolean terminal = System.console() != null;
            LagState worst = LagState.OK;
            while (!Thread.currentThread().isInterrupted()) {
                LagReport report = monitor.sample();
                if (terminal) {
                    out.print("\033[H\033[2J");
                }
                out.println(report.at().truncatedTo(ChronoUnit.SECONDS) + "  " + options.bootstrap() + "  (window "
                        + options.window() + " readings, every " + options.interval().toMillis() / 1000.0
                        + " s; Ctrl-C stops)");
                LagTable.print(report, options.partitions(), out);
                out.println();
                worst = report.worst();
                DetachedProcess.pause(options.interval());
            }
            return worst;
        }
    }

    /** {@code readings} readings {@code interval} apart; the judged last one. */
    static LagReport readWindow(LagMonitor monitor, int readings, Duration interval) {
        LagReport report = monitor.sample();
        for (int i = 1; i < readings && report.error() == null; i++) {
            DetachedProcess.pause(interval);
            report = monitor.sample();
        }
        return report;
    }
}
