package org.guestcrm.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU ticks of the running stack, read from {@code /proc} by the benchmarks before and after their window: each part's
 * process group (PostgreSQL also its whole server tree), this launcher JVM as the bench client, and PostgreSQL's
 * backends by the database they serve.
 */
final class StackCpu {

    static final String BENCH_CLIENT = "bench client";

    private StackCpu() {
    }

    /** Ticks so far of each running part and of this client. */
    static Map<String, Long> ticksPerPart(LocalStack stack) {
        List<ProcessCpu.Stat> stats = ProcessCpu.all();
        Map<String, Long> ticks = new LinkedHashMap<>();
        stack.groupLeaders().forEach((part, leader) -> ticks.put(part, ProcessCpu.groupTicks(stats, leader)));
        stack.postmaster().ifPresent(postmaster -> ticks.merge("postgres", ProcessCpu.treeTicks(stats, postmaster.pid()), Long::sum));
        ticks.put(BENCH_CLIENT, ProcessCpu.selfTicks());
        return ticks;
    }

    /** PostgreSQL's ticks by the database its live backends serve (and its background processes by role). */
    static Map<String, Long> postgresTicksByDatabase(LocalStack stack) {
        return stack.postmaster().map(postmaster -> ProcessCpu.postgresByDatabase(ProcessCpu.all(), postmaster.pid()))
                .orElse(Map.of());
    }

    /** Milliseconds of CPU per part between two readings of {@link #ticksPerPart}. */
    static Map<String, Double> millisBetween(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> millis = new LinkedHashMap<>();
        after.forEach((part, ticks) -> millis.put(part, ProcessCpu.ticksToMillis(ticks - before.getOrDefault(part, ticks))));
        return millis;
    }
}
