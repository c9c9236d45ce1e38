package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.guestcrm.testsupport.MailServer;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The local stack's mail catcher: test-support's {@link MailServer} (GreenMail, mail in memory) plus a journal on disk
 * with one line per delivered mail and recipient, written before GreenMail stores it and answers 250. The journal
 * outlives the process, so {@code ./crm chaos} counts every mail the stack ever handed over, across restarts of the
 * mail catcher, by Message-ID. A line holds no personal data: {@link MailJournal.Entry} says what it holds.
 *
 * <p>As a process: {@code java -cp ... org.guestcrm.deploy.JournaledMailServer --smtp-port 3025 --imap-port 3143
 * --journal .crm/data/mail/journal.tsv}; runs until SIGTERM.
 *
 * <p><b>Stopping drains first.</b> On SIGTERM the catcher refuses every new delivery with {@code 451} (before the
 * journal, so a refused mail is never counted), waits until the deliveries already journaled have been stored and
 * answered {@code 250}, and only then closes its sockets. Without that, a stop between the journal line and the
 * {@code 250} left a mail journaled that the sender never saw accepted: the sender retried it and the journal showed one
 * Message-ID twice, a duplicate the catcher itself had made (seen in CI's chaos smoke on 2026-12-01). A SIGKILL still
 * has that window, as any real MTA has between its queue write and its reply.
 */
public final class JournaledMailServer {

    private JournaledMailServer() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        int smtpPort = 2525;
        int imapPort = 1143;
        Path journal = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--smtp-port" -> smtpPort = Integer.parseInt(args[i + 1]);
                case "--imap-port" -> imapPort = Integer.parseInt(args[i + 1]);
                case "--journal" -> journal = Path.of(args[i + 1]);
                default -> {
                    System.err.println("Usage: JournaledMailServer --smtp-port <port> --imap-port <port> --journal <file>");
                    System.exit(2);
                }
            }
        }
        if (journal == null) {
            System.err.println("Usage: JournaledMailServer --smtp-port <port> --imap-port <port> --journal <file>");
            System.exit(2);
        }
        // Load the journal's classes now: a rebuild of deploy/target/classes while the catcher runs must not leave the
        // first delivery without them (a ClassNotFoundException refused every mail once).
        MailJournal.recipientHash("preload@example.invalid");
        MailServer.nameTheMailStreamProvider();
        MailServer server = MailServer.start(smtpPort, imapPort);
        journalDeliveries(server, journal);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            drain(Duration.ofSeconds(10));
            server.close();
            stopped.countDown();
        }, "guest-crm-stop-mail"));
        System.out.println("mail ready: smtp=localhost:" + server.smtpPort() + " imap=localhost:" + server.imapPort()
                + " journal=" + journal + " (IMAP login = recipient address, password = same address)");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Set on shutdown: every delivery from then on is refused with 451 before it is journaled. */
    private static volatile boolean draining;

    /** Deliveries journaled and not yet handed back to GreenMail (which answers 250 right after). */
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    /** Refuses new deliveries, then waits (at most {@code limit}) until the journaled ones have been answered. */
    static void drain(Duration limit) {
        draining = true;
        Instant deadline = Instant.now().plus(limit);
        try {
            while (IN_FLIGHT.get() > 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            // The handler has returned; GreenMail writes "250 OK" right after it. Give that write its moment.
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends a journal line for every delivery before GreenMail stores the mail (and so before it answers 250). */
    static void journalDeliveries(MailServer server, Path journal) {
        try {
            Files.createDirectories(journal.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UserManager users = server.greenMail().getUserManager();
        MessageDeliveryHandler store = users.getMessageDeliveryHandler();
        users.setMessageDeliveryHandler((moving, recipient) -> {
            IN_FLIGHT.incrementAndGet();
            try {
                if (draining) {
                    // GreenMail answers a failed delivery with "451 Requested action aborted": the sender retries later.
                    throw new MessagingException("mail catcher is stopping");
                }
                append(journal, MailJournal.line(System.currentTimeMillis(), moving.getMessage(), recipient.getEmail()));
                return store.handle(moving, recipient);
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
        });
    }

    private static synchronized void append(Path journal, String line) throws MessagingException {
        try {
            // One write per line, appended: a SIGKILL of this process loses no line the OS has taken.
            Files.writeString(journal, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // Refuse the mail rather than accept one the journal does not know: the sender retries.
            throw new MessagingException("mail journal not writable: " + e.getMessage());
        }
    }

    static String messageId(MimeMessage message) {
        try {
            String id = message.getHeader("Message-ID", null);
            return id == null ? "-" : id.trim();
        } catch (MessagingException e) {
            return "-";
        }
    }
}
