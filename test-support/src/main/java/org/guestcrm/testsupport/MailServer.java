package org.guestcrm.testsupport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
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

    /** Null in a view of the shared server from another class loader (then {@link #owner} is set). */
    private final GreenMail greenMail;
    private final Class<?> owner;
    private final int smtpPort;
    private final int imapPort;
    private boolean closed;

    private MailServer(GreenMail greenMail, Class<?> owner, int smtpPort, int imapPort) {
        this.greenMail = greenMail;
        this.owner = owner;
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
    }

    /** The server of this JVM, on free ports, stopped at JVM exit. */
    public static synchronized MailServer shared() {
        if (shared == null) {
            Class<?> systemCopy = JvmWide.systemCopy(MailServer.class);
            if (systemCopy != null) {
                Map<String, String> d = JvmWide.callStatic(systemCopy, "sharedDescriptor");
                shared = new MailServer(null, systemCopy, Integer.parseInt(d.get("smtpPort")), Integer.parseInt(d.get("imapPort")));
            } else {
                MailServer server = start(0, 0);
                Servers.onShutdown("mail", server::close);
                shared = server;
            }
        }
        return shared;
    }

    /** Internal: the shared server's ports, for copies of this class in other class loaders. */
    public static Map<String, String> sharedDescriptor() {
        MailServer server = shared();
        return Map.of("smtpPort", String.valueOf(server.smtpPort), "imapPort", String.valueOf(server.imapPort));
    }

    /** Internal: the shared server's messages as raw MIME bytes, for copies of this class in other class loaders. */
    public static List<byte[]> sharedRawMessages() {
        List<byte[]> raw = new ArrayList<>();
        for (MimeMessage message : shared().receivedMessages()) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                message.writeTo(bytes);
                raw.add(bytes.toByteArray());
            } catch (IOException | MessagingException e) {
                throw new IllegalStateException("Cannot read a received message", e);
            }
        }
        return raw;
    }

    /** Internal: {@link #reset()} on the shared server, for copies of this class in other class loaders. */
    public static void resetShared() {
        shared().reset();
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
        JvmWide.withOwnClassLoader(() -> {
            greenMail.start();
            return greenMail;
        });
        return new MailServer(greenMail, null, greenMail.getSmtp().getPort(), greenMail.getImap().getPort());
    }

    /** Jakarta Mail's stream provider (the implementation's), named so that it is not searched for on every message. */
    static final String STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    /**
     * Names Jakarta Mail's stream provider in its system property when none is set and the implementation is on the class
     * path. Without it {@code StreamProvider.provider()} runs a ServiceLoader search over every jar of the class path for
     * each message GreenMail stores: JFR of the local stack's mail catcher (226 jars) under {@code ./crm bench} put a third
     * of its CPU samples in that search ({@code FactoryFinder.factoryFromServiceLoader}, {@code ZipFile.getEntry}).
     * Jakarta Mail loads the named class with the system class loader, so only a process whose class path is flat (the
     * stack's mail catcher) calls this; a test JVM with its own class loaders keeps the search.
     */
    public static void nameTheMailStreamProvider() {
        if (System.getProperty("jakarta.mail.util.StreamProvider") != null) {
            return;
        }
        try {
            Class.forName(STREAM_PROVIDER, false, ClassLoader.getSystemClassLoader());
            System.setProperty("jakarta.mail.util.StreamProvider", STREAM_PROVIDER);
        } catch (ClassNotFoundException e) {
            // Another implementation: leave the search to Jakarta Mail.
        }
    }

    /** {@code localhost}. */
    public String host() {
        return "localhost";
    }

    public int smtpPort() {
        return smtpPort;
    }

    public int imapPort() {
        return imapPort;
    }

    /** Every message received since start or the last {@link #reset()}, in arrival order. */
    public List<MimeMessage> receivedMessages() {
        if (greenMail != null) {
            return List.of(greenMail.getReceivedMessages());
        }
        List<byte[]> raw = JvmWide.callStatic(owner, "sharedRawMessages");
        Session session = Session.getInstance(new Properties());
        List<MimeMessage> messages = new ArrayList<>(raw.size());
        for (byte[] bytes : raw) {
            try {
                messages.add(new MimeMessage(session, new ByteArrayInputStream(bytes)));
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot parse a received message", e);
            }
        }
        return List.copyOf(messages);
    }

    /**
     * The received messages with {@code address} among their recipients (To, Cc or Bcc), compared as the
     * whole address text the message carries, in arrival order.
     */
    public List<MimeMessage> messagesTo(String address) {
        List<MimeMessage> matching = new ArrayList<>();
        for (MimeMessage message : receivedMessages()) {
            try {
                Address[] recipients = message.getAllRecipients();
                if (recipients == null) {
                    continue;
                }
                for (Address recipient : recipients) {
                    if (recipient.toString().equals(address)) {
                        matching.add(message);
                        break;
                    }
                }
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot read the recipients of a received message", e);
            }
        }
        return List.copyOf(matching);
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
            List<MimeMessage> messages = receivedMessages();
            if (messages.size() >= count) {
                return messages;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Expected at least " + count + " mail(s) within " + timeout
                        + ", received " + messages.size());
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
        if (greenMail == null) {
            JvmWide.callStatic(owner, "resetShared");
            return;
        }
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            throw new IllegalStateException("Cannot purge mailboxes", e);
        }
    }

    /**
     * The underlying GreenMail, for anything not covered here.
     *
     * @throws IllegalStateException on the shared server seen from another class loader (e.g. inside a
     *                               {@code @QuarkusTest}); use the methods of this class or IMAP there
     */
    public GreenMail greenMail() {
        if (greenMail == null) {
            throw new IllegalStateException("The shared GreenMail lives in the system class loader; use receivedMessages(), reset() or IMAP");
        }
        return greenMail;
    }

    /** Stops the server. No-op on the shared server seen from another class loader. */
    @Override
    public synchronized void close() {
        if (closed || greenMail == null) {
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
