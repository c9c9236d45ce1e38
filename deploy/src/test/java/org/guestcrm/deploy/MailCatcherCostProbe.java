package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RawCeilings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local stack's mail catcher costs per mail when every mail has a new recipient, as under {@code ./crm bench}
 * (one guest per booking), with its mailboxes bounded (the default) and unbounded, alternately in one JVM. A probe,
 * not a test: it prints figures and asserts only that every mail was journaled.
 *
 * <p>{@code ./mvnw -B -ntp -pl deploy test -Dtest=MailCatcherCostProbe -Dguestcrm.bench.mailcatcher=20000
 * -Dsurefire.failIfNoSpecifiedTests=false}
 *
 * <p>The catcher's CPU is the process's CPU over the run less the sender threads' own CPU (measured per thread).
 */
@EnabledIfSystemProperty(named = "guestcrm.bench.mailcatcher", matches = "\\d+")
class MailCatcherCostProbe {

    private static final int CONNECTIONS = 4;

    @Test
    void costPerMailWithDistinctRecipients(@TempDir Path directory) throws Exception {
        int mails = Integer.getInteger("guestcrm.bench.mailcatcher");
        JournaledMailServer.acceptAgain();
        MailServer.nameTheMailStreamProvider(); // as the catcher's main does (no ServiceLoader search per mail)
        int[] bounds = {JournaledMailServer.DEFAULT_MAX_MAILBOXES, 0, JournaledMailServer.DEFAULT_MAX_MAILBOXES, 0};
        for (int round = 0; round < bounds.length; round++) {
            Path journal = directory.resolve("journal-" + round + ".tsv");
            try (MailServer server = MailServer.start(0, 0)) {
                JournaledMailServer.journalDeliveries(server, journal, bounds[round]);
                send(server.smtpPort(), 200, "warm" + round); // connections, JIT of the paths
                Run run = send(server.smtpPort(), mails, "r" + round);
                assertEquals(mails + 200, MailJournal.read(journal).size(), "every mail journaled");
                System.out.printf(Locale.ROOT, "mail catcher, %s mailboxes, %d mails to %d distinct recipients: "
                                + "%.0f mails/s, catcher CPU %.3f ms per mail (senders %.3f), mailboxes held at the end %d%n",
                        bounds[round] == 0 ? "unbounded" : "at most " + bounds[round], mails, mails,
                        mails / run.seconds(), run.catcherCpuNanos() / 1e6 / mails, run.senderCpuNanos() / 1e6 / mails,
                        server.greenMail().getUserManager().listUser().size());
            }
        }
    }

    record Run(double seconds, long catcherCpuNanos, long senderCpuNanos) {
    }

    private static Run send(int port, int mails, String prefix) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        AtomicLong senderCpu = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            long cpuBefore = os.getProcessCpuTime();
            long started = System.nanoTime();
            List<Future<Integer>> sent = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                sent.add(senders.submit(() -> {
                    long own = threads.getCurrentThreadCpuTime();
                    try {
                        int share = mails / CONNECTIONS + (connection < mails % CONNECTIONS ? 1 : 0);
                        String tag = prefix + "-" + connection;
                        return RawCeilings.sendMails("127.0.0.1", port, tag, share, n -> "guest-" + tag + "-" + n + "@probe.example",
                                Long.MAX_VALUE);
                    } finally {
                        senderCpu.addAndGet(threads.getCurrentThreadCpuTime() - own);
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> count : sent) {
                total += count.get();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long cpu = os.getProcessCpuTime() - cpuBefore;
            assertEquals(mails, total);
            return new Run(seconds, cpu - senderCpu.get(), senderCpu.get());
        } finally {
            senders.shutdownNow();
        }
    }
}
