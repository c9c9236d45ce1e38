package org.guestcrm.journey.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A small real SMTP server (RFC 5321 dialogue over TCP on a free loopback port) whose replies are scripted by the
 * recipient's local part, for what GreenMail cannot do:
 * <ul>
 *   <li>{@code reject-...@...}: {@code RCPT TO} answered {@code 550 5.1.1 ... mailbox unavailable} (permanent);</li>
 *   <li>{@code refuse-...@...}: {@code RCPT TO} answered {@code 554 5.7.1 ... relay access denied} (permanent, policy);</li>
 *   <li>{@code defer-...@...}: {@code RCPT TO} answered {@code 451 4.3.0 ... try again later} (transient);</li>
 *   <li>anything else: accepted; the message's Message-ID is recorded per recipient.</li>
 * </ul>
 * It counts {@code RCPT TO} commands per recipient (delivery attempts the server saw) and the most mail transactions
 * that were between {@code DATA} and its final reply at the same time. With {@link #holdAcceptances(boolean)} on, the
 * final reply to a DATA waits (at most {@link #HOLD}) until another transaction is in that phase too, so sending one
 * mail at a time shows as a maximum of 1.
 *
 * <p>One server per JVM. Quarkus loads tests and test resources in class loaders of their own; every copy of this
 * class hands its calls to the system class loader's copy, and only JDK values cross over.
 */
public final class ScriptedSmtpServer {

    static final long HOLD = 2_000;
    private static final Pattern ADDRESS = Pattern.compile("<([^>]*)>");
    private static ScriptedSmtpServer instance;

    private final ServerSocket socket;
    private final Map<String, AtomicInteger> recipientAttempts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> acceptedMessageIds = new ConcurrentHashMap<>();
    private final AtomicInteger inData = new AtomicInteger();
    private final AtomicInteger maxInData = new AtomicInteger();
    private final Object dataMonitor = new Object();
    private volatile boolean hold;

    private ScriptedSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    // ---- the API (JDK types only) --------------------------------------------------------------------------------

    public static int port() {
        return delegate("port") instanceof Integer port ? port : local().socket.getLocalPort();
    }

    /** {@code RCPT TO} commands seen for {@code recipient}. */
    public static int recipientAttempts(String recipient) {
        Object remote = delegate("recipientAttempts", recipient);
        if (remote != null) {
            return (Integer) remote;
        }
        AtomicInteger count = local().recipientAttempts.get(recipient);
        return count == null ? 0 : count.get();
    }

    /** Message-IDs of the mails accepted for {@code recipient}, in arrival order. */
    @SuppressWarnings("unchecked")
    public static List<String> messageIdsTo(String recipient) {
        Object remote = delegate("messageIdsTo", recipient);
        if (remote != null) {
            return (List<String>) remote;
        }
        return List.copyOf(local().acceptedMessageIds.getOrDefault(recipient, List.of()));
    }

    /** The most transactions that were in their DATA phase at once since the last {@link #holdAcceptances}. */
    public static int maxConcurrentTransactions() {
        Object remote = delegate("maxConcurrentTransactions");
        return remote != null ? (Integer) remote : local().maxInData.get();
    }

    /** Hold each DATA's final reply until another transaction is in its DATA phase (at most {@link #HOLD}). */
    public static void holdAcceptances(boolean on) {
        if (delegate("holdAcceptances", on) == null) {
            ScriptedSmtpServer server = local();
            if (on) {
                server.maxInData.set(0);
            }
            server.hold = on;
        }
    }

    /** Quarkus test resource: points the mailer at this server. */
    public static final class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "quarkus.mailer.host", "localhost",
                    "quarkus.mailer.port", String.valueOf(port()),
                    "quarkus.mailer.mock", "false",
                    "quarkus.mailer.from", "reservations@guestcrm.local",
                    "quarkus.mailer.start-tls", "DISABLED");
        }

        @Override
        public void stop() {
            // One server per JVM; its threads are daemons.
        }
    }

    // ---- the server ----------------------------------------------------------------------------------------------

    private static synchronized ScriptedSmtpServer local() {
        if (instance == null) {
            try {
                instance = new ScriptedSmtpServer();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the scripted SMTP server", e);
            }
        }
        return instance;
    }

    /** Calls the system class loader's copy, or returns null when this is that copy (then the caller acts locally). */
    private static Object delegate(String method, Object... args) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (ScriptedSmtpServer.class.getClassLoader() == system) {
            return null;
        }
        try {
            Class<?> copy = Class.forName(ScriptedSmtpServer.class.getName(), true, system);
            if (copy == ScriptedSmtpServer.class) {
                return null;
            }
            Class<?>[] types = new Class<?>[args.length];
            for (int i = 0; i < args.length; i++) {
                types[i] = args[i] instanceof Boolean ? boolean.class : args[i].getClass();
            }
            Object result = copy.getMethod(method, types).invoke(null, args);
            return result == null ? Boolean.TRUE : result;
        } catch (ClassNotFoundException e) {
            return null;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("ScriptedSmtpServer." + method + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot call ScriptedSmtpServer." + method, e);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread session = new Thread(() -> converse(connection), "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void converse(Socket connection) {
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                     StandardCharsets.US_ASCII));
             OutputStream out = connection.getOutputStream()) {
            reply(out, "220 scripted.test ESMTP ready");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    reply(out, "250-scripted.test\r\n250 8BITMIME");
                } else if (command.startsWith("HELO") || command.startsWith("NOOP")) {
                    reply(out, "250 OK");
                } else if (command.startsWith("MAIL FROM")) {
                    recipients.clear();
                    reply(out, "250 2.1.0 OK");
                } else if (command.startsWith("RCPT TO")) {
                    String recipient = addressIn(line);
                    recipientAttempts.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
                    if (recipient.startsWith("reject-")) {
                        reply(out, "550 5.1.1 <" + recipient + ">: mailbox unavailable");
                    } else if (recipient.startsWith("refuse-")) {
                        reply(out, "554 5.7.1 <" + recipient + ">: relay access denied");
                    } else if (recipient.startsWith("defer-")) {
                        reply(out, "451 4.3.0 <" + recipient + ">: mailbox busy, try again later");
                    } else {
                        recipients.add(recipient);
                        reply(out, "250 2.1.5 OK");
                    }
                } else if (command.equals("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    receiveData(in, out, recipients);
                } else if (command.startsWith("RSET")) {
                    recipients.clear();
                    reply(out, "250 OK");
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 Command not implemented");
                }
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up but the socket.
        }
    }

    private void receiveData(BufferedReader in, OutputStream out, List<String> recipients) throws IOException {
        int now = inData.incrementAndGet();
        maxInData.accumulateAndGet(now, Math::max);
        synchronized (dataMonitor) {
            dataMonitor.notifyAll();
        }
        try {
            String messageId = null;
            boolean inHeaders = true;
            String line;
            while ((line = in.readLine()) != null && !line.equals(".")) {
                if (line.isEmpty()) {
                    inHeaders = false;
                } else if (inHeaders && line.toLowerCase(Locale.ROOT).startsWith("message-id:")) {
                    messageId = line.substring("message-id:".length()).trim();
                }
            }
            if (hold) {
                awaitAnotherTransaction();
            }
            for (String recipient : recipients) {
                acceptedMessageIds.computeIfAbsent(recipient, r -> new CopyOnWriteArrayList<>()).add(messageId);
            }
            reply(out, "250 2.0.0 Queued");
        } finally {
            inData.decrementAndGet();
        }
    }

    private void awaitAnotherTransaction() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOLD);
        synchronized (dataMonitor) {
            while (maxInData.get() < 2 && System.nanoTime() < deadline) {
                try {
                    dataMonitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String addressIn(String line) {
        Matcher matcher = ADDRESS.matcher(line);
        return matcher.find() ? matcher.group(1) : line.substring(line.indexOf(':') + 1).trim();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
