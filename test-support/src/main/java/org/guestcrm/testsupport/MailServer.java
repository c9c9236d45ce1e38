package org.guestcrm.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP + IMAP server (GreenMail) on the loopback interface: the mail catcher of the tests
 * and of the local stack.
 *
 * <p>It accepts mail for <b>any</b> recipient (no SMTP authentication). A mailbox is created for
 * each recipient on first delivery; read it over IMAP with <b>login = the recipient's e-mail
 * address, password = the same address</b> (e.g. {@code anna@example.com} /
 * {@code anna@example.com}), folder {@code INBOX}.
 *
 * <pre>{@code
 * MailServer mail = MailServer.shared();                 // tests: one per JVM, free ports
 * MailServer mail = MailServer.start(2525, 1143);        // local stack
 * List<MimeMessage> received = mail.waitForMessages(1, Duration.ofSeconds(10));
 * mail.reset();                                          // empty every mailbox
 * }</pre>
 *
 * <p>Mail is kept in memory only. As a process: {@code java -cp ... org.guestcrm.testsupport.MailServer
 * --smtp-port 2525 --imap-port 1143}.
 */
public final class MailServer implements AutoCloseable {

    private static final String BIND_ADDRESS = "127.0.0.1";

    private static MailServer shared;

    private final GreenMail greenMail;
    private boolean closed;

    private MailServer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    /** The server of this JVM, on free ports, stopped at JVM exit. */
    public static synchronized MailServer shared() {
        if (shared == null) {
            MailServer server = start(0, 0);
            Servers.onShutdown("mail", server::close);
            shared = server;
        }
        return shared;
    }

    /**
     * Starts a server; the caller owns it and must {@link #close()} it.
     *
     * @param smtpPort SMTP port, 0 for a free one
     * @param imapPort IMAP port, 0 for a free one
     */
    public static MailServer start(int smtpPort, int imapPort) {
        QuietLogs.quiet("com.icegreen.greenmail");
        ServerSetup smtp = new ServerSetup(smtpPort, BIND_ADDRESS, ServerSetup.PROTOCOL_SMTP);
        ServerSetup imap = new ServerSetup(imapPort, BIND_ADDRESS, ServerSetup.PROTOCOL_IMAP);
        if (smtpPort == 0) {
            smtp = smtp.dynamicPort();
        }
        if (imapPort == 0) {
            imap = imap.dynamicPort();
        }
        smtp.setServerStartupTimeout(10_000);
        imap.setServerStartupTimeout(10_000);
        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, imap});
        greenMail.start();
        return new MailServer(greenMail);
    }

    /** {@code localhost}. */
    public String host() {
        return "localhost";
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    /** Every message received since start or the last {@link #reset()}, in arrival order. */
    public List<MimeMessage> receivedMessages() {
        return List.of(greenMail.getReceivedMessages());
    }

    /**
     * Waits until at least {@code count} messages have been received in total (since the last
     * {@link #reset()}) and returns all received messages.
     *
     * @throws IllegalStateException if fewer arrived within the timeout
     */
    public List<MimeMessage> waitForMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MimeMessage[] messages = greenMail.getReceivedMessages();
            if (messages.length >= count) {
                return List.of(messages);
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Expected at least " + count + " mail(s) within " + timeout
                        + ", received " + messages.length);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for mail", e);
            }
        }
    }

    /** Deletes every message from every mailbox (ports and users stay). */
    public void reset() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            throw new IllegalStateException("Cannot purge mailboxes", e);
        }
    }

    /** The underlying GreenMail, for anything not covered here. */
    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        greenMail.stop();
    }

    /** {@code --smtp-port 2525 --imap-port 1143}: runs until SIGTERM. */
    public static void main(String[] args) {
        Servers.useJBossLogManager();
        Map<String, String> options = Servers.parseArgs(args, "Usage: MailServer --smtp-port <port> --imap-port <port> (0 = free)");
        int smtpPort = Servers.intOption(options, "smtp-port", 2525);
        int imapPort = Servers.intOption(options, "imap-port", 1143);
        Servers.runUntilTerminated("mail", () -> start(smtpPort, imapPort), server -> {
            MailServer mail = (MailServer) server;
            return "smtp=localhost:" + mail.smtpPort() + " imap=localhost:" + mail.imapPort()
                    + " (IMAP login = recipient address, password = same address)";
        });
    }
}
