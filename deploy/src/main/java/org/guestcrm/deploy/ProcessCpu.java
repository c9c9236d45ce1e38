package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of processes from Linux's {@code /proc/<pid>/stat}: user plus system time, in clock ticks. A part of
 * the stack is its process group (the JVM and whatever it spawned), or, for PostgreSQL, the postmaster with its
 * children; a postmaster's own figure includes the children it has already reaped (its cutime and cstime), so
 * backends that ended during a run still count.
 */
final class ProcessCpu {

    /** The fields of {@code /proc/<pid>/stat} this needs. */
    record Stat(long pid, char state, long parentPid, long processGroup, long userTicks, long systemTicks,
            long reapedChildrenUserTicks, long reapedChildrenSystemTicks) {

        long ownTicks() {
            return userTicks + systemTicks;
        }

        long reapedChildrenTicks() {
            return reapedChildrenUserTicks + reapedChildrenSystemTicks;
        }
    }

    /** Clock ticks per second of /proc's times ({@code getconf CLK_TCK}; 100 on every Linux this runs on). */
    static final long TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {
    }

    /**
     * Parses one {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may itself hold
     * spaces and parentheses, so the fields are counted from the last ')'.
     */
    static Stat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("Not a /proc stat line: " + line);
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); field n is f[n - 3]
        return new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]));
    }

    /** Every live process's stat (processes that end while this reads are skipped). */
    static List<Stat> all() {
        List<Stat> stats = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    stats.add(parse(Files.readString(entry.resolve("stat"))));
                } catch (IOException | RuntimeException vanished) {
                    // ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list /proc", e);
        }
        return stats;
    }

    /** CPU ticks of the processes in process group {@code groupId}. */
    static long groupTicks(List<Stat> stats, long groupId) {
        return stats.stream().filter(s -> s.processGroup() == groupId).mapToLong(Stat::ownTicks).sum();
    }

    /**
     * CPU ticks of {@code root} and its descendants: the root's own and reaped children's time plus, for
     * each live descendant, its own time and that of the children it reaped.
     */
    static long treeTicks(List<Stat> stats, long root) {
        Map<Long, List<Stat>> children = new java.util.HashMap<>();
        Stat rootStat = null;
        for (Stat stat : stats) {
            children.computeIfAbsent(stat.parentPid(), k -> new ArrayList<>()).add(stat);
            if (stat.pid() == root) {
                rootStat = stat;
            }
        }
        if (rootStat == null) {
            return 0;
        }
        long ticks = 0;
        List<Stat> pending = new ArrayList<>(List.of(rootStat));
        while (!pending.isEmpty()) {
            Stat stat = pending.remove(pending.size() - 1);
            ticks += stat.ownTicks() + stat.reapedChildrenTicks();
            pending.addAll(children.getOrDefault(stat.pid(), List.of()));
        }
        return ticks;
    }

    /**
     * CPU ticks of the live children of a PostgreSQL postmaster, by what each is: a backend counts for its database
     * (its command line reads {@code postgres: <user> <database> <client> <state>}), any other child for its role
     * ({@code checkpointer}, {@code walwriter}, {@code autovacuum worker}, ...). Read before and after a run, the
     * difference says which service's database the server's CPU went to; backends that end between the readings are
     * missing from it (connection pools keep theirs).
     */
    static Map<String, Long> postgresByDatabase(List<Stat> stats, long postmaster) {
        Map<String, Long> ticks = new java.util.TreeMap<>();
        for (Stat stat : stats) {
            if (stat.parentPid() != postmaster) {
                continue;
            }
            String command;
            try {
                command = new String(Files.readAllBytes(Path.of("/proc", Long.toString(stat.pid()), "cmdline")),
                        java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
            } catch (IOException | RuntimeException vanished) {
                continue;
            }
            ticks.merge(postgresRole(command), stat.ownTicks(), Long::sum);
        }
        return ticks;
    }

    /** {@code database journey} for a backend of database journey, else the process's role. */
    static String postgresRole(String command) {
        String[] words = command.split("\\s+");
        if (words.length >= 4 && words[0].equals("postgres:") && (words[3].contains("(") || words[3].startsWith("["))) {
            return "database " + words[2];
        }
        if (words.length >= 2 && words[0].equals("postgres:")) {
            return String.join(" ", java.util.Arrays.copyOfRange(words, 1, Math.min(words.length, 3)));
        }
        return "other";
    }

    /** This JVM's own CPU ticks. */
    static long selfTicks() {
        try {
            return parse(Files.readString(Path.of("/proc/self/stat"))).ownTicks();
        } catch (IOException e) {
            return 0;
        }
    }

    static double ticksToMillis(long ticks) {
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }

    private static long clockTicks() {
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String answer = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor();
            long ticks = Long.parseLong(answer);
            return ticks > 0 ? ticks : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
