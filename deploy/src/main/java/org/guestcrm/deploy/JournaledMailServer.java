package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.guestcrm.testsupport.MailServer;

import com.icegreen.greenmail.user.GreenMailUser;
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
 *
 * <p><b>Mailboxes are bounded.</b> GreenMail finds (and creates) a recipient's mailbox by a linear scan of all the
 * mailboxes it holds, so its cost per mail grew with the distinct recipients: about 0.9 ms CPU per mail after the
 * bench's 20,000 guests, 46 % of the catcher's samples in that scan. The catcher keeps the mailboxes of the most
 * recent {@code --max-mailboxes} recipients (default {@value #DEFAULT_MAX_MAILBOXES}; {@code 0}: unbounded) and drops
 * the oldest recipient's mailbox (and its mails) when a new recipient exceeds the bound. The journal keeps every
 * delivery whatever the bound: only what IMAP shows is bounded.
 */
public final class JournaledMailServer {

    private JournaledMailServer() {
    }

    /** The mailboxes kept when {@code --max-mailboxes} is not given: plenty for a demo or a test reading IMAP. */
    static final int DEFAULT_MAX_MAILBOXES = 2_000;

    private static final String USAGE =
            "Usage: JournaledMailServer --smtp-port <port> --imap-port <port> --journal <file> [--max-mailboxes <n>]";

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        int smtpPort = 2525;
        int imapPort = 1143;
        Path journal = null;
        int maxMailboxes = DEFAULT_MAX_MAILBOXES;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--smtp-port" -> smtpPort = Integer.parseInt(args[i + 1]);
                case "--imap-port" -> imapPort = Integer.parseInt(args[i + 1]);
                case "--journal" -> journal = Path.of(args[i + 1]);
                case "--max-mailboxes" -> maxMailboxes = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println(USAGE);
                    System.exit(2);
                }
            }
        }
        if (journal == null || maxMailboxes < 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        // Load the journal's classes now: a rebuild of deploy/target/classes while the catcher runs must not leave the
        // first delivery without them (a ClassNotFoundException refused every mail once).
        MailJournal.recipientHash("preload@example.invalid");
        MailServer.nameTheMailStreamProvider();
        MailServer server = MailServer.start(smtpPort, imapPort);
        journalDeliveries(server, journal, maxMailboxes);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            drain(Duration.ofSeconds(10));
            server.close();
            stopped.countDown();
        }, "guest-crm-stop-mail"));
        System.out.println("mail ready: smtp=localhost:" + server.smtpPort() + " imap=localhost:" + server.imapPort()
                + " journal=" + journal + " (IMAP login = recipient address, password = same address; the "
                + (maxMailboxes == 0 ? "mailboxes of every recipient" : "mailboxes of the latest " + maxMailboxes
                        + " recipients") + ")");
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

    /** Accepts mail again after {@link #drain} (tests that drain and then go on in the same JVM). */
    static void acceptAgain() {
        draining = false;
    }

    /** {@link #journalDeliveries(MailServer, Path, int)} with every recipient's mailbox kept. */
    static void journalDeliveries(MailServer server, Path journal) {
        journalDeliveries(server, journal, 0);
    }

    /**
     * Appends a journal line for every delivery before GreenMail stores the mail (and so before it answers 250), and
     * keeps the mailboxes of the latest {@code maxMailboxes} recipients only ({@code 0}: all).
     */
    static void journalDeliveries(MailServer server, Path journal, int maxMailboxes) {
        try {
            Files.createDirectories(journal.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UserManager users = server.greenMail().getUserManager();
        MessageDeliveryHandler store = users.getMessageDeliveryHandler();
        // Recipients with a mailbox, oldest first (used only when the mailboxes are bounded).
        ArrayDeque<String> recipients = new ArrayDeque<>();
        users.setMessageDeliveryHandler((moving, recipient) -> {
            IN_FLIGHT.incrementAndGet();
            try {
                if (draining) {
                    // GreenMail answers a failed delivery with "451 Requested action aborted": the sender retries later.
                    throw new MessagingException("mail catcher is stopping");
                }
                append(journal, MailJournal.line(System.currentTimeMillis(), moving.getMessage(), recipient.getEmail()));
                if (maxMailboxes == 0) {
                    return store.handle(moving, recipient);
                }
                boolean known = users.getUserByEmail(recipient.getEmail()) != null;
                GreenMailUser user = store.handle(moving, recipient);
                if (!known) {
                    forgetOldestBeyond(recipients, users, user, maxMailboxes);
                }
                return user;
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
        });
    }

    /** Records a new recipient's mailbox and drops the oldest ones beyond {@code maxMailboxes}. */
    private static void forgetOldestBeyond(ArrayDeque<String> recipients, UserManager users, GreenMailUser created,
                                           int maxMailboxes) {
        synchronized (recipients) {
            recipients.addLast(created.getEmail());
            while (recipients.size() > maxMailboxes) {
                GreenMailUser oldest = users.getUserByEmail(recipients.pollFirst());
                if (oldest != null && !oldest.getEmail().equals(created.getEmail())) {
                    users.deleteUser(oldest);
                }
            }
        }
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
