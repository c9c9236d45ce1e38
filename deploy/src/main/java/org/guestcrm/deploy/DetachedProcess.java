package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A process of the local stack that outlives the launcher: started in its own session (setsid), so
 * its whole process group (a JVM and, for PostgreSQL, the server it spawns) can be stopped together,
 * with its pid and start time in a pid file, so a recycled pid is never mistaken for it.
 */
final class DetachedProcess {

    private DetachedProcess() {
    }

    static ProcessHandle start(List<String> command, Map<String, String> environment, Path workingDirectory,
            Path logFile, Path pidFile) {
        List<String> full = new ArrayList<>();
        full.add("setsid");
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(pidFile.getParent());
            Process process = builder.start();
            ProcessHandle handle = process.toHandle();
            Instant started = handle.info().startInstant().orElse(Instant.EPOCH);
            Files.writeString(pidFile, handle.pid() + "\n" + started.toEpochMilli() + "\n");
            return handle;
        } catch (IOException e) {
            throw new StackException("Cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** The process a pid file names, if it still runs and is the one that was started (same start time). */
    static Optional<ProcessHandle> running(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            long startedMillis = lines.size() > 1 ? Long.parseLong(lines.get(1).trim()) : 0L;
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> !zombie(h.pid()))
                    .filter(h -> startedMillis == 0L || h.info().startInstant()
                            .map(i -> Math.abs(i.toEpochMilli() - startedMillis) < 2_000).orElse(true));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops the process group led by {@code leader}: SIGTERM (graceful shutdown hooks run), then
     * SIGKILL for whatever is left after {@code grace}. Returns the pids still alive afterwards.
     */
    static List<Long> stopGroup(long leader, Duration grace) {
        signalGroup(leader, "TERM");
        Instant deadline = Instant.now().plus(grace);
        while (Instant.now().isBefore(deadline) && !processGroup(leader).isEmpty()) {
            pause(Duration.ofMillis(200));
        }
        if (!processGroup(leader).isEmpty()) {
            signalGroup(leader, "KILL");
            Instant killDeadline = Instant.now().plusSeconds(5);
            while (Instant.now().isBefore(killDeadline) && !processGroup(leader).isEmpty()) {
                pause(Duration.ofMillis(100));
            }
        }
        return processGroup(leader);
    }

    /**
     * A process that has exited completely but is not reaped yet: state Z and no thread left (a SIGKILLed JVM's leader
     * shows Z while its other threads still exit and hold its sockets). Dead, whatever ProcessHandle.isAlive says.
     */
    static boolean zombie(long pid) {
        Path entry = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(entry.resolve("stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z' && threadsGone(entry);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** At most the leader's own (exited) task is left under /proc/PID/task. */
    private static boolean threadsGone(Path procEntry) {
        try (Stream<Path> tasks = Files.list(procEntry.resolve("task"))) {
            return tasks.count() <= 1;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** SIGKILLs the whole group at once (a crash) and waits up to {@code wait} for it to be gone. */
    static List<Long> killGroup(long leader, Duration wait) {
        signalGroup(leader, "KILL");
        Instant deadline = Instant.now().plus(wait);
        while (Instant.now().isBefore(deadline) && !processGroup(leader).isEmpty()) {
            pause(Duration.ofMillis(100));
        }
        return processGroup(leader);
    }

    /** Pids of the live processes whose process group is {@code groupId} (Linux /proc). */
    static List<Long> processGroup(long groupId) {
        // a zombie whose threads have all exited is gone
        return processesWhere((entry, afterName) -> !("Z".equals(afterName[0]) && threadsGone(entry))
                && Long.parseLong(afterName[2]) == groupId);
    }

    /** Pids of the live processes whose parent is {@code parent} (Linux /proc). */
    static List<Long> children(long parent) {
        return processesWhere((entry, afterName) -> Long.parseLong(afterName[1]) == parent);
    }

    /**
     * Pids of the processes under /proc whose {@code stat} fields after the command name (state, ppid, pgrp, ...)
     * satisfy {@code test}; a process that ends while it is looked at is left out.
     */
    private static List<Long> processesWhere(java.util.function.BiPredicate<Path, String[]> test) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (test.test(entry, afterName)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException vanished) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list /proc", e);
        }
        return pids;
    }

    /** Sends {@code signal} (a name such as STOP or CONT) to each of {@code pids}, in order. */
    static void signal(List<Long> pids, String signal) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, "--"));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            throw new StackException("Cannot signal " + pids + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void signalGroup(long groupId, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + groupId)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new StackException("Cannot signal process group " + groupId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }
}
