package org.guestcrm.journey.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.ConfigProvider;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/**
 * Reads the bounce mailbox (issue 9): every {@code journey.bounces.every}, one replica at a time (a session advisory
 * lock on a connection of its own, released at the end of the poll or when the connection goes), up to
 * {@code batch-size} messages of the folder over IMAP, each recorded once by {@link DeliveryReportLedger} (its own
 * transaction) and then deleted from the folder; a report that cannot be read or names no known message is copied to
 * the set-aside folder first (its reason in {@code delivery_report}). A message read twice (a crash between the commit
 * and the delete) finds its row and changes nothing. Counter {@code guestcrm_journey_bounce_reports_total{outcome}}.
 * Logs counts and report keys only, never an address.
 */
@ApplicationScoped
public class BounceMailboxReader {

    private static final Logger LOG = Logger.getLogger(BounceMailboxReader.class);

    /** Where and how to read: from {@code journey.bounces.imap.*}, or given by a test. */
    public record Mailbox(String host, int port, boolean ssl, String username, String password, String folder,
                          String setAsideFolder, Duration timeout) {
        @Override
        public String toString() {
            return "Mailbox[" + host + ":" + port + " " + folder + "]";
        }
    }

    /** What one poll did; {@code locked} when another replica was reading. */
    public record Poll(boolean locked, Map<DeliveryReportLedger.Outcome, Integer> outcomes) {
        public int count(DeliveryReportLedger.Outcome outcome) {
            return outcomes.getOrDefault(outcome, 0);
        }
    }

    @Inject
    JourneyConfig config;
    @Inject
    DeliveryReportLedger ledger;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;
    private VerpAddresses verp;
    private final Map<DeliveryReportLedger.Outcome, Counter> counters = new EnumMap<>(DeliveryReportLedger.Outcome.class);

    void start(@Observes StartupEvent event) {
        verp = verpOf(config).orElse(null);
        for (DeliveryReportLedger.Outcome outcome : DeliveryReportLedger.Outcome.values()) {
            counters.put(outcome, Counter.builder("guestcrm.journey.bounce.reports")
                    .description("Reports of the bounce mailbox (DSNs, complaints) by what became of them")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(meters));
        }
        if (configuredMailbox().isPresent()) {
            LOG.infof("Bounce mailbox %s is read every %s.", configuredMailbox().get(), config.bounces().every());
        } else if (verp != null) {
            LOG.warn("journey.bounces.domain is set but journey.bounces.imap.host/username/password are not: mails carry "
                    + "VERP envelope senders, nobody reads their bounces here.");
        }
    }

    /** The VERP addresses, when {@code journey.bounces.domain} and the signing keys are set. */
    public static Optional<VerpAddresses> verpOf(JourneyConfig config) {
        Optional<String> keys = ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class);
        if (config.bounces().domain().isEmpty() || keys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(VerpAddresses.of(config.bounces().localPart(), config.bounces().domain().get(), keys.get(),
                ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.current-key", String.class)));
    }

    Optional<Mailbox> configuredMailbox() {
        JourneyConfig.Bounces.Imap imap = config.bounces().imap();
        if (!imap.configured()) {
            return Optional.empty();
        }
        return Optional.of(new Mailbox(imap.host().get(), imap.port(), imap.ssl(), imap.username().get(),
                imap.password().get(), imap.folder(), config.bounces().setAsideFolder(), imap.timeout()));
    }

    @Scheduled(every = "${journey.bounces.every:1m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pollConfigured() {
        Optional<Mailbox> mailbox = configuredMailbox();
        if (mailbox.isEmpty()) {
            return;
        }
        try {
            poll(mailbox.get());
        } catch (RuntimeException e) {
            LOG.warnf("Reading the bounce mailbox failed (%s); the next poll tries again.", Failures.describe(e));
        }
    }

    /** One poll of {@code mailbox} (the scheduled one reads the configured mailbox; tests hand GreenMail's). */
    public Poll poll(Mailbox mailbox) {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisoryLock(lock, "SELECT pg_try_advisory_lock(?)")) {
                LOG.debug("Bounce mailbox: another replica is reading it; this poll stops.");
                return new Poll(true, Map.of());
            }
            try {
                return read(mailbox);
            } finally {
                advisoryLock(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The bounce mailbox lock could not be taken", e);
        }
    }

    private boolean advisoryLock(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, config.bounces().lockKey());
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private Poll read(Mailbox mailbox) {
        Map<DeliveryReportLedger.Outcome, Integer> outcomes = new EnumMap<>(DeliveryReportLedger.Outcome.class);
        Properties properties = new Properties();
        String protocol = mailbox.ssl() ? "imaps" : "imap";
        String millis = String.valueOf(mailbox.timeout().toMillis());
        properties.put("mail.store.protocol", protocol);
        properties.put("mail." + protocol + ".connectiontimeout", millis);
        properties.put("mail." + protocol + ".timeout", millis);
        properties.put("mail." + protocol + ".writetimeout", millis);
        Session session = Session.getInstance(properties);
        Store store = null;
        Folder inbox = null;
        try {
            store = session.getStore(protocol);
            store.connect(mailbox.host(), mailbox.port(), mailbox.username(), mailbox.password());
            inbox = store.getFolder(mailbox.folder());
            inbox.open(Folder.READ_WRITE);
            Message[] messages = inbox.getMessages();
            int read = 0;
            for (Message message : messages) {
                if (read >= config.bounces().batchSize()) {
                    break;
                }
                if (message.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                read++;
                DeliveryReportLedger.Outcome outcome = handle(store, inbox, mailbox, message);
                outcomes.merge(outcome, 1, Integer::sum);
                counters.get(outcome).increment();
            }
            inbox.close(true);
            inbox = null;
        } catch (MessagingException e) {
            throw new IllegalStateException("The bounce mailbox " + mailbox + " could not be read ("
                    + e.getClass().getSimpleName() + ")", e);
        } finally {
            closeQuietly(inbox, store);
        }
        if (!outcomes.isEmpty()) {
            LOG.infof("Bounce mailbox: %s.", outcomes);
        }
        return new Poll(false, outcomes);
    }

    /** Records one message, then deletes it (set aside: copied to the set-aside folder first). */
    private DeliveryReportLedger.Outcome handle(Store store, Folder inbox, Mailbox mailbox, Message message)
            throws MessagingException {
        byte[] raw;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            message.writeTo(bytes);
            raw = bytes.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("a message of the bounce mailbox could not be fetched", e);
        }
        String key = reportKey(message.getHeader("Message-ID"), raw);
        DeliveryReports.Report report = null;
        String unreadable = null;
        try {
            report = DeliveryReports.read(raw);
        } catch (DeliveryReports.NotAReport e) {
            unreadable = "not a delivery report: " + e.getMessage();
        }
        DeliveryReportLedger.Recorded recorded;
        try {
            recorded = ledger.record(key, report, unreadable, verp, clock.instant());
        } catch (DeliveryReportLedger.ReadAgainLater e) {
            return DeliveryReportLedger.Outcome.READ_AGAIN_LATER;
        }
        if (recorded.outcome() == DeliveryReportLedger.Outcome.SET_ASIDE) {
            Folder aside = store.getFolder(mailbox.setAsideFolder());
            if (!aside.exists()) {
                aside.create(Folder.HOLDS_MESSAGES);
            }
            inbox.copyMessages(new Message[] {message}, aside);
            if (!recorded.readBefore()) {
                LOG.warnf("Bounce report %s set aside in folder %s: %s.", key.substring(0, 12),
                        mailbox.setAsideFolder(), recorded.reason());
            }
        }
        message.setFlag(Flags.Flag.DELETED, true);
        return recorded.readBefore() ? DeliveryReportLedger.Outcome.NOTHING_NEW : recorded.outcome();
    }

    /** SHA-256 (hex) of the report's Message-ID, else of its bytes: the same report read again has the same key. */
    static String reportKey(String[] messageId, byte[] raw) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] input = messageId != null && messageId.length > 0 && !messageId[0].isBlank()
                    ? ("message-id:" + messageId[0].strip()).getBytes(StandardCharsets.UTF_8) : raw;
            return HexFormat.of().formatHex(digest.digest(input));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void closeQuietly(Folder folder, Store store) {
        try {
            if (folder != null && folder.isOpen()) {
                folder.close(false);
            }
        } catch (MessagingException ignored) {
            // the next poll reads what was not deleted
        }
        try {
            if (store != null) {
                store.close();
            }
        } catch (MessagingException ignored) {
            // nothing held
        }
    }
}
