package org.guestcrm.optout.it;

import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.optout.messaging.ConsentFromProfileHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Issue 5: the statements one pms.profiles batch costs, counted on the real PostgreSQL. The handler applies batches of
 * 1, 10 and 200 profiles (new ones, then a newer version of each with a changed e-mail and an opt-out) in one
 * transaction, as {@code BatchIntake} calls it; every statement Hibernate prepares on this thread is counted
 * ({@link StatementCounter}). The count must not grow with the batch: no statement per record, per profile or per
 * contact point. The outbox's inserts are counted apart (one JDBC batch per 100 rows, the sequence per 50 ids).
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class IntakeStatementsTest {

    private static final Logger LOG = Logger.getLogger(IntakeStatementsTest.class);
    /** What a batch may cost outside the outbox, whatever its size. */
    private static final int MOST_STATEMENTS_PER_BATCH = 12;

    @Inject
    ConsentFromProfileHandler handler;
    @Inject
    AgroalDataSource dataSource;

    private record Count(int total, int outbox, List<String> other) {
    }

    private Count apply(List<GuestProfileChanged> events) {
        List<IntakeRecord<GuestProfileChanged>> records = new ArrayList<>();
        long offset = 0;
        for (GuestProfileChanged event : events) {
            records.add(new IntakeRecord<>(event, event.getMetadata().getEventId(),
                    event.getMetadata().getTenantId() + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId(),
                    "pms.profiles", 0, offset++));
        }
        StatementCounter.start();
        List<String> statements;
        try {
            QuarkusTransaction.requiringNew().run(() -> handler.apply(records));
        } finally {
            statements = StatementCounter.stop();
        }
        List<String> other = new ArrayList<>();
        int outbox = 0;
        for (String sql : statements) {
            String s = sql.toLowerCase(Locale.ROOT);
            if (s.contains("outbox_event")) {
                outbox++;
            } else {
                other.add(sql);
            }
        }
        return new Count(statements.size(), outbox, other);
    }

    private static List<GuestProfileChanged> profiles(String tenant, int n, long sequence, boolean emailOptIn, String mailPrefix) {
        List<GuestProfileChanged> events = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1000 - sequence);
        for (int i = 0; i < n; i++) {
            events.add(profile(tenant, "opera", "S-" + i, sequence)
                    .setEmails(List.of(email(mailPrefix + i + "@example.com", true)))
                    .setPhones(List.of(phone("+41 79 555 " + String.format("%04d", i).substring(0, 2) + " "
                            + String.format("%04d", i).substring(2))))
                    .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(emailOptIn).setSmsOptIn(false).build())
                    .setPmsUpdatedAt(at)
                    .build());
        }
        return events;
    }

    private String stateOf(String tenant, String contactPoint, String channel) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "select status from consent_state where tenant = ? and contact_point = ? and channel = ? and purpose = 'MARKETING'")) {
            s.setString(1, tenant);
            s.setString(2, contactPoint);
            s.setString(3, channel);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private int heldBy(String tenant, String value) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select count(*) from profile_contact_point where tenant = ? and value = ?")) {
            s.setString(1, tenant);
            s.setString(2, value);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /**
     * Not an assertion (no timing in tests): the CPU time this thread spends applying batches of 200 changed profiles
     * (each a new e-mail address and a changed e-mail consent), after two warm-up batches, logged for the canvas.
     */
    private void logCpuPerBatch() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        String tenant = "cpu-" + UUID.randomUUID();
        long cpu = 0;
        int measured = 0;
        for (int round = 1; round <= 8; round++) {
            List<GuestProfileChanged> batch = profiles(tenant, 200, round, round % 2 == 0, "round" + round + "-");
            long before = threads.getCurrentThreadCpuTime();
            apply(batch);
            long spent = threads.getCurrentThreadCpuTime() - before;
            if (round > 2) {
                cpu += spent;
                measured++;
            }
        }
        LOG.infof("CPU of this thread per batch of 200 changed profiles (mean of %d, after 2 warm-up batches): %.1f ms, %.3f ms"
                + " per record.", measured, cpu / 1e6 / measured, cpu / 1e6 / measured / 200);
    }

    @Test
    void aBatchCostsTheSameFewStatementsWhateverItsSize() throws Exception {
        List<Integer> firstCounts = new ArrayList<>();
        List<Integer> secondCounts = new ArrayList<>();
        for (int n : new int[] {1, 10, 200}) {
            String tenant = "stmts-" + UUID.randomUUID();
            Count first = apply(profiles(tenant, n, 1, true, "first-"));
            Count second = apply(profiles(tenant, n, 2, false, "second-"));
            LOG.infof("Batch of %d new profile(s): %d statement(s), %d of them the outbox's; %d newer version(s) of them: "
                    + "%d statement(s), %d the outbox's.", n, first.total(), first.outbox(), n, second.total(), second.outbox());
            LOG.infof("Statements of the second batch of %d besides the outbox: %s", n, second.other());
            firstCounts.add(first.other().size());
            secondCounts.add(second.other().size());
            // What the batches did: the newer version replaced the contact points and withdrew the e-mail consent.
            int last = n - 1;
            assertEquals("WITHDRAWN", stateOf(tenant, "second-" + last + "@example.com", "EMAIL"));
            assertEquals("GRANTED", stateOf(tenant, "first-" + last + "@example.com", "EMAIL"), "consent belongs to the address");
            assertEquals("WITHDRAWN", stateOf(tenant, "+4179555" + String.format("%04d", last), "SMS"));
            assertEquals(0, heldBy(tenant, "first-" + last + "@example.com"));
            assertEquals(1, heldBy(tenant, "second-" + last + "@example.com"));
        }
        for (int i = 0; i < firstCounts.size(); i++) {
            assertTrue(firstCounts.get(i) <= MOST_STATEMENTS_PER_BATCH, "first batches: " + firstCounts);
            assertTrue(secondCounts.get(i) <= MOST_STATEMENTS_PER_BATCH, "second batches: " + secondCounts);
        }
        assertEquals(firstCounts.get(1), firstCounts.get(2), "a batch of 200 new profiles costs what one of 10 costs: " + firstCounts);
        assertEquals(secondCounts.get(1), secondCounts.get(2), "a batch of 200 changed profiles costs what one of 10 costs: " + secondCounts);
        logCpuPerBatch();
    }
}
