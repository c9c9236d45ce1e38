package org.guestcrm.optout.it;

import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    org.guestcrm.optout.messaging.GuestUpdatedHandler guestHandler;
    @Inject
    org.guestcrm.optout.messaging.BounceHandler bounceHandler;
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
        return counted(handler, records);
    }

    /**
     * The statements {@code intake} costs for {@code records} in one transaction, as {@code BatchIntake} calls it: only
     * the records its {@code wants} keeps are applied (the others cost no database work there either).
     */
    private static <T> Count counted(org.guestcrm.platform.intake.IntakeHandler<T> intake, List<IntakeRecord<T>> records) {
        List<IntakeRecord<T>> wanted = records.stream().filter(r -> intake.wants(r.value())).toList();
        StatementCounter.start();
        List<String> statements;
        try {
            if (!wanted.isEmpty()) {
                QuarkusTransaction.requiringNew().run(() -> intake.apply(wanted));
            }
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

    /**
     * Issue 5: pms.profiles and crm.guests write no processed-event row (their handlers answer
     * {@code recordsProcessedEvents() == false}), so a redelivered batch reaches {@code apply} again, as after a crash
     * between the commit and the offset commit. It must have no second effect: no ledger entry, no consent state
     * change, no outbox row, the contact points and the guest as they were.
     */
    @Test
    void aRedeliveredBatchOfProfilesOrGuestsHasNoSecondEffect() throws Exception {
        assertFalse(handler.recordsProcessedEvents());
        assertFalse(guestHandler.recordsProcessedEvents());
        assertTrue(bounceHandler.recordsProcessedEvents(), "bounces count soft bounces per record: they keep the row");
        String tenant = "redelivered-" + UUID.randomUUID();
        List<GuestProfileChanged> first = profiles(tenant, 10, 1, true, "r1-");
        List<GuestProfileChanged> second = profiles(tenant, 10, 2, false, "r2-");
        apply(first);
        apply(second);
        long entries = count("select count(*) from consent_entry where tenant = ?", tenant);
        long outbox = count("select count(*) from outbox_event where record_key like ?", tenant + ":%");
        long points = count("select count(*) from profile_contact_point where tenant = ?", tenant);
        assertTrue(entries >= 20 && outbox >= 20, "the batches changed consents: " + entries + " entries, " + outbox + " events");
        // Redelivered: both batches again, and the first one's records once more after the second.
        Count again = apply(first);
        apply(second);
        apply(first);
        assertEquals(0, again.outbox(), "no outbox row for a redelivered record");
        assertEquals(entries, count("select count(*) from consent_entry where tenant = ?", tenant));
        assertEquals(outbox, count("select count(*) from outbox_event where record_key like ?", tenant + ":%"));
        assertEquals(points, count("select count(*) from profile_contact_point where tenant = ?", tenant));
        assertEquals("WITHDRAWN", stateOf(tenant, "r2-9@example.com", "EMAIL"));
        assertEquals(1, heldBy(tenant, "r2-9@example.com"));
        assertEquals(0, heldBy(tenant, "r1-9@example.com"));

        List<IntakeRecord<org.guestcrm.events.GuestUpdated>> v1 = guests(tenant, 5, 1, "gv1-");
        List<IntakeRecord<org.guestcrm.events.GuestUpdated>> v2 = guests(tenant, 5, 2, "gv2-");
        counted(guestHandler, v1);
        counted(guestHandler, v2);
        Count guestsAgain = counted(guestHandler, v1);
        counted(guestHandler, v2);
        assertEquals(0, guestsAgain.outbox());
        assertEquals(1, count("select count(*) from guest_contact_point where guest_id = ? and value = ?", tenant + "-G4",
                "gv2-4@example.com"));
        assertEquals(0, count("select count(*) from guest_contact_point where guest_id = ? and value = ?", tenant + "-G4",
                "gv1-4@example.com"));
        assertEquals(1, count("select count(*) from guest where guest_id = ? and version = 2", tenant + "-G4"));
    }

    // crm.guests and crm.communications (issue 5: the opt-out's CPU per booking): every booking makes the profile
    // service publish a GuestUpdated and the journey several CommunicationEvents; their intake must not work per record.

    private static org.guestcrm.events.EventMetadata metadata(String tenant, String type, String source, Instant at) {
        return org.guestcrm.events.EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type)
                .setOccurredAt(at).setSource(source).setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString())
                .setSchemaVersion(1).build();
    }

    private static List<IntakeRecord<org.guestcrm.events.GuestUpdated>> guests(String tenant, int n, long version, String mailPrefix) {
        List<IntakeRecord<org.guestcrm.events.GuestUpdated>> records = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < n; i++) {
            org.guestcrm.events.GuestUpdated event = org.guestcrm.events.GuestUpdated.newBuilder()
                    .setMetadata(metadata(tenant, "GuestUpdated", "profile-service", at))
                    .setGuestId(tenant + "-G" + i).setVersion(version).setFirstName("Anna").setLastName("Muster" + i)
                    .setLanguage("de-CH")
                    .setEmails(List.of(org.guestcrm.events.ContactPoint.newBuilder().setValue(mailPrefix + i + "@example.com").build()))
                    .setPhones(List.of(org.guestcrm.events.ContactPoint.newBuilder().setValue("+4179777" + String.format("%04d", i)).build()))
                    .setStayCount((int) version).setLastStayDeparture(java.time.LocalDate.of(2026, 5, 1).plusDays(version))
                    .setLastStayHotelCode("ZRH1")
                    .setSourceProfiles(List.of(org.guestcrm.events.SourceProfileRef.newBuilder().setPmsSystem("opera")
                            .setPmsProfileId("P" + i).setHotelCode("GVA1").build()))
                    .setPreferences(java.util.Map.of("interests", "spa, golf", "pillow", "firm"))
                    .build();
            records.add(new IntakeRecord<>(event, event.getMetadata().getEventId(), event.getGuestId(), "crm.guests", 0, i));
        }
        return records;
    }

    /**
     * A journey's traffic for {@code n} guests: per guest a SCHEDULED and a SENT (never applied: no database work), and
     * one bounce ({@code hard}: a hard one, else a soft one) and, for soft, an OPENED of another address.
     */
    private static List<IntakeRecord<org.guestcrm.events.CommunicationEvent>> communications(String tenant, int n, boolean hard) {
        List<IntakeRecord<org.guestcrm.events.CommunicationEvent>> records = new ArrayList<>();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            for (org.guestcrm.events.CommunicationStatus status : List.of(org.guestcrm.events.CommunicationStatus.SCHEDULED,
                    org.guestcrm.events.CommunicationStatus.SENT, org.guestcrm.events.CommunicationStatus.BOUNCED,
                    org.guestcrm.events.CommunicationStatus.OPENED)) {
                if (hard && status == org.guestcrm.events.CommunicationStatus.OPENED) {
                    continue;
                }
                String address = (status == org.guestcrm.events.CommunicationStatus.OPENED ? "opened-" : "bounce-") + i + "@example.com";
                org.guestcrm.events.CommunicationEvent event = org.guestcrm.events.CommunicationEvent.newBuilder()
                        .setMetadata(metadata(tenant, "CommunicationEvent", "journey-service", at))
                        .setCommunicationId(UUID.randomUUID()).setGuestId(tenant + "-G" + i).setHotelCode("ZRH1")
                        .setStep("PRE_STAY").setChannel(org.guestcrm.events.CommunicationChannel.EMAIL).setStatus(status)
                        .setTenantId(tenant).setContactPoint(address)
                        .setBounceType(status == org.guestcrm.events.CommunicationStatus.BOUNCED ? (hard ? "HARD" : "SOFT") : null)
                        .build();
                records.add(new IntakeRecord<>(event, event.getMetadata().getEventId(), event.getGuestId(), "crm.communications",
                        0, offset++));
            }
        }
        return records;
    }

    private long count(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Not asserted: the CPU of this thread per batch of {@code records} (mean of 6 after 2 warm-up batches). */
    private <T> double cpuPerBatch(org.guestcrm.platform.intake.IntakeHandler<T> intake,
            java.util.function.IntFunction<List<IntakeRecord<T>>> batches) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (int round = 1; round <= 8; round++) {
            List<IntakeRecord<T>> batch = batches.apply(round);
            long before = threads.getCurrentThreadCpuTime();
            counted(intake, batch);
            if (round > 2) {
                cpu += threads.getCurrentThreadCpuTime() - before;
            }
        }
        return cpu / 1e6 / 6;
    }

    @Test
    void aBatchOfGuestRecordsCostsTheSameFewStatementsWhateverItsSize() throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (int n : new int[] {1, 10, 200}) {
            String tenant = "guests-" + UUID.randomUUID();
            Count first = counted(guestHandler, guests(tenant, n, 1, "g1-"));
            Count second = counted(guestHandler, guests(tenant, n, 2, "g2-"));
            LOG.infof("Batch of %d GuestUpdated: %d statement(s); %d newer version(s): %d statement(s): %s", n, first.total(),
                    n, second.total(), second.other());
            assertEquals(0, first.outbox() + second.outbox(), "crm.guests publishes nothing");
            counts.add(first.total());
            counts.add(second.total());
            // What the batches did: the newer version's address, stays and interests are held.
            String last = tenant + "-G" + (n - 1);
            assertEquals(1, count("select count(*) from guest_contact_point where guest_id = ? and value = ?", last,
                    "g2-" + (n - 1) + "@example.com"));
            assertEquals(0, count("select count(*) from guest_contact_point where guest_id = ? and value = ?", last,
                    "g1-" + (n - 1) + "@example.com"));
            assertEquals(1, count("select count(*) from guest where guest_id = ? and version = 2 and stay_count = 2"
                    + " and last_stay_hotel_code = 'ZRH1' and hotel_codes = cast('[\"GVA1\", \"ZRH1\"]' as jsonb)"
                    + " and interests ->> 'interests' = 'spa, golf'", last));
        }
        assertTrue(counts.stream().allMatch(c -> c <= 4), "one query and three statements per batch: " + counts);
        assertEquals(counts.get(2), counts.get(4), "200 guests cost what 10 cost: " + counts);
        assertEquals(counts.get(3), counts.get(5), "200 newer versions cost what 10 cost: " + counts);
        String tenant = "guests-cpu-" + UUID.randomUUID();
        double ms = cpuPerBatch(guestHandler, round -> guests(tenant, 200, round, "cpu" + round + "-"));
        LOG.infof("CPU of this thread per batch of 200 GuestUpdated (mean of 6 after 2 warm-up batches): %.1f ms, %.3f ms per record.",
                ms, ms / 200);
    }

    @Test
    void aBatchOfCommunicationEventsCostsTheSameFewStatementsWhateverItsSize() throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (int n : new int[] {1, 10, 200}) {
            String tenant = "comms-" + UUID.randomUUID();
            List<IntakeRecord<org.guestcrm.events.CommunicationEvent>> routine = communications(tenant, n, false).stream()
                    .filter(r -> r.value().getStatus() == org.guestcrm.events.CommunicationStatus.SCHEDULED
                            || r.value().getStatus() == org.guestcrm.events.CommunicationStatus.SENT).toList();
            Count none = counted(bounceHandler, routine);
            assertEquals(0, none.total(), "scheduled and sent events cost no statement: " + none.other());
            Count soft = counted(bounceHandler, communications(tenant, n, false));
            Count hard = counted(bounceHandler, communications(tenant, n, true));
            LOG.infof("Batch of %d guests' communications: soft bounces and opens %d statement(s) (%d the outbox's), hard"
                    + " bounces %d (%d the outbox's): %s", n, soft.total(), soft.outbox(), hard.total(), hard.outbox(), hard.other());
            counts.add(soft.other().size());
            counts.add(hard.other().size());
            String last = "bounce-" + (n - 1) + "@example.com";
            assertEquals(4, count("select count(*) from consent_state where tenant = ? and contact_point = ? and channel = 'EMAIL'"
                    + " and status = 'WITHDRAWN' and source = 'BOUNCE'", tenant, last), "the hard bounce withdrew all four purposes");
            assertEquals(0, count("select count(*) from consent_state where tenant = ? and contact_point = ?", tenant,
                    "opened-" + (n - 1) + "@example.com"), "an open changes no consent");
        }
        assertTrue(counts.stream().allMatch(c -> c <= MOST_STATEMENTS_PER_BATCH), "statements per batch: " + counts);
        assertEquals(counts.get(2), counts.get(4), "200 guests' soft bounces cost what 10 cost: " + counts);
        assertEquals(counts.get(3), counts.get(5), "200 hard bounces cost what 10 cost: " + counts);
        String tenant = "comms-cpu-" + UUID.randomUUID();
        double ms = cpuPerBatch(bounceHandler, round -> communications(tenant + round, 200, false));
        LOG.infof("CPU of this thread per batch of 800 CommunicationEvents (200 scheduled, 200 sent, 200 soft bounces, 200"
                + " opens; mean of 6 after 2 warm-up batches): %.1f ms, %.3f ms per record.", ms, ms / 800);
    }
}
