package org.guestcrm.deploy.lag;

import java.io.PrintStream;
import java.util.Locale;

/** Prints a {@link LagReport} as the terminal table of {@code ./crm lag} and {@code ./crm status}. */
public final class LagTable {

    private LagTable() {
    }

    public static void print(LagReport report, boolean partitions, PrintStream out) {
        if (report.error() != null) {
            out.println("ERROR   " + report.error());
            return;
        }
        if (report.groups().isEmpty()) {
            out.println("(no consumer groups yet)");
            return;
        }
        out.printf("%-28s %-8s %-7s %-28s %10s %10s  %s%n", "CONSUMER GROUP", "STATE", "MEMBERS", "TOPIC", "LAG",
                "BEHIND", "WHY");
        for (LagReport.GroupLag group : report.groups()) {
            if (group.topics().isEmpty()) {
                out.printf("%-28s %-8s %-7d %-28s %10s %10s  %s%n", group.group(), group.state(), group.members(),
                        "(no offset committed yet)", "-", "-", "");
            }
            for (LagReport.TopicLag topic : group.topics()) {
                String why = topic.partitions().stream().filter(p -> p.state() == topic.state())
                        .map(p -> "p" + p.partition() + " " + p.reason()).findFirst().orElse("");
                out.printf("%-28s %-8s %-7d %-28s %10d %10s  %s%n", group.group(), topic.state(), group.members(),
                        topic.topic(), topic.lag(), seconds(topic.secondsBehind()), why);
                if (partitions) {
                    for (LagReport.PartitionLag p : topic.partitions()) {
                        out.printf("%-28s %-8s %-7s %-28s %10d %10s  committed %s, end %d%s; %s%n", "", p.state(), "",
                                "  partition " + p.partition(), p.lag(), seconds(p.secondsBehind()),
                                p.committed() < 0 ? "none" : Long.toString(p.committed()), p.end(),
                                p.consumed() ? "" : ", not assigned", p.reason());
                    }
                }
            }
        }
    }

    /** {@code 0s}, {@code 4.2s}, {@code 3m05s}, {@code 2h10m}. */
    public static String seconds(double seconds) {
        if (seconds < 60) {
            return seconds == 0 ? "0s" : String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long whole = (long) seconds;
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", whole / 3600, whole % 3600 / 60);
    }
}
