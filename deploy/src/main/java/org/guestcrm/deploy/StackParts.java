package org.guestcrm.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The names of the stack's parts as a person types them ({@code ./crm restart journey}) and as the stack files
 * them ({@code .crm/run/journey-service.pid}), and each part's JVM options.
 */
final class StackParts {

    /** Short name (what {@code ./crm restart} takes) to part name (pid file, log, status). */
    static final Map<String, String> PART_BY_SHORT_NAME = Map.ofEntries(
            Map.entry("connector", "pms-connector"),
            Map.entry("profile", "profile-service"),
            Map.entry("journey", "journey-service"),
            Map.entry("optout", "optout-service"),
            Map.entry("desk", "desk-service"),
            Map.entry("ops", "ops-console"),
            Map.entry("kafka", "kafka"),
            Map.entry("registry", "registry"),
            Map.entry("postgres", "postgres"),
            Map.entry("mail", "mail"),
            Map.entry("pms", "pms-simulator"),
            Map.entry("sms", "sms"));

    static final String SERVICE_JVM_OPTIONS = "-Xms96m -Xmx384m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1";

    static final List<String> SHORT_NAMES = List.of("connector", "profile", "journey", "optout", "desk", "kafka",
            "registry", "postgres", "mail", "sms", "ops", "pms");

    /**
     * JVM options of each part, chosen with {@code ./crm bench 2000 4} on the 2-core machine (docs/benchmarks.md).
     * Services: C1 only ({@code -XX:TieredStopAtLevel=1}) took 11.5 ms of CPU per booking warm and 15.2 cold against
     * 18.1 and 32.9 with C2 (tiered), and drained faster: on two cores shared by nine JVMs, C2's compile threads cost
     * more than its code saves. SerialGC: G1 (the JVM's default here) and ParallelGC used more CPU per booking.
     * Small thread stacks: a service runs a few hundred threads, none deep. Mail catcher: GreenMail keeps every mail
     * in memory; at 192 MB its heap filled after some 30,000 mails and it spent its time in full GCs.
     */
    private static final Map<String, String> DEFAULT_JVM_OPTIONS = Map.ofEntries(
            Map.entry("connector", SERVICE_JVM_OPTIONS),
            Map.entry("profile", SERVICE_JVM_OPTIONS),
            Map.entry("journey", SERVICE_JVM_OPTIONS),
            Map.entry("optout", SERVICE_JVM_OPTIONS),
            Map.entry("desk", SERVICE_JVM_OPTIONS),
            // The ops console reads lag and metrics every few seconds; it holds little.
            Map.entry("ops", "-Xms64m -Xmx192m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1"),
            Map.entry("kafka", "-Xms256m -Xmx512m -XX:+UseSerialGC"),
            Map.entry("registry", "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
            // 64m ran out of heap unpacking the PostgreSQL binaries on a fresh machine (xz, first start only).
            Map.entry("postgres", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
            // C1 only, as the services: JFR of a freshly started catcher under ./crm bench put 4.8 s of its 6.1 s in C2
            // compilations; warm, C1 took 1.15-1.20 ms per booking against C2's 1.26 (bench 2000 8, each after a
            // restart and 300 bookings of warm-up, 2026-12-03).
            Map.entry("mail", "-Xms256m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
            // The simulated PMS holds a few hundred demo reservations.
            Map.entry("pms", "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
            // The SMS catcher keeps the texts it took in memory, like the mail catcher.
            Map.entry("sms", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));

    private StackParts() {
    }

    /** The part a short name (or a part name) stands for; a name that is neither says which names there are. */
    static String partName(String name) {
        java.util.regex.Matcher replica = REPLICA.matcher(name);
        if (replica.matches() && SERVICE_SHORT_NAMES.contains(replica.group(1))) {
            // journey-2 (or journey-service-2): the second process of a service (CRM_REPLICAS)
            return partName(replica.group(1)) + "-" + replica.group(2);
        }
        if (replica.matches() && PART_BY_SHORT_NAME.containsValue(replica.group(1))
                && SERVICE_SHORT_NAMES.contains(shortName(replica.group(1)))) {
            return name;
        }
        if (PART_BY_SHORT_NAME.containsKey(name)) {
            return PART_BY_SHORT_NAME.get(name);
        }
        if (PART_BY_SHORT_NAME.containsValue(name)) {
            return name;
        }
        throw new StackException("'" + name + "' is no part of the stack: one of " + String.join("|", SHORT_NAMES));
    }

    /** A replica's name: the service's short or part name, a dash and the replica's number (2 and up). */
    private static final java.util.regex.Pattern REPLICA = java.util.regex.Pattern.compile("(.+)-([2-9])");

    /** The parts that may run as several processes (CRM_REPLICAS). */
    private static final List<String> SERVICE_SHORT_NAMES = List.of("connector", "profile", "journey", "optout", "desk");

    static String shortName(String partName) {
        java.util.regex.Matcher replica = REPLICA.matcher(partName);
        String part = replica.matches() && PART_BY_SHORT_NAME.containsValue(replica.group(1)) ? replica.group(1) : partName;
        return PART_BY_SHORT_NAME.entrySet().stream().filter(e -> e.getValue().equals(part))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new IllegalArgumentException(partName));
    }

    /** The part's JVM options: the configured ones ({@code CRM_JVM_OPTIONS_<PART>}), else its default. */
    static List<String> jvmOptions(StackConfig config, String partName) {
        String shortName = shortName(partName);
        String options = config.jvmOptions().getOrDefault(shortName, DEFAULT_JVM_OPTIONS.get(shortName));
        return Arrays.stream(options.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }
}
