package org.guestcrm.journey.occasion;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Guest occasions end to end: guests from crm.guests (birth date, last stay), consents from crm.consents, planned by
 * {@link OccasionScheduler} run with the test's own clock, mailed by the lease-and-send dispatcher to GreenMail. Test
 * profile: tenant {@code occasions} has win-back (90 days), birthday and stay anniversary at 23:59 UTC, hotel OCCOFF no
 * birthday, at most 1 marketing mail per guest in 30 days. The occasions fall ten days ahead and are planned with that
 * day's clock, so none is due before the test makes it due, whatever the time of day the test runs at.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class OccasionsJourneyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TENANT = "occasions";

    @Inject
    OccasionScheduler scheduler;
    @Inject
    EntityManager entityManager;

    @Test
    void birthdayWinBackAndAnniversaryArePlannedOncePerOccasionAndMailedWhenDueUnderConsentAndCap() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // The occasions' day is ten days ahead and the planner's clock is that day's midnight (UTC, the hotels' zone):
        // the planned rows are due days after the wall clock, so the dispatcher never sends one by itself before the
        // test makes it due, whatever the time of day the test runs at. With "today" and Instant.now() (before) a run
        // between 23:59 and midnight UTC, or one started before midnight and planned after it, had occasions due at
        // once (due at 23:59 of a day already ending or gone): the win-back went before the guest's new stay arrived.
        LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(10);
        String birthday = guest("bday-" + run, "OCC1", day.minusYears(40), null, ConsentStatus.GRANTED, 1);
        String winBack = guest("back-" + run, "OCC1", null, day.minusDays(90), ConsentStatus.GRANTED, 1);
        String anniversary = guest("anni-" + run, "OCC1", null, day.minusYears(1), ConsentStatus.GRANTED, 1);
        String noConsent = guest("nocon-" + run, "OCC1", day.minusYears(30), null, null, 1);
        String both = guest("both-" + run, "OCC1", day.minusYears(50), day.minusYears(1), ConsentStatus.GRANTED, 1);
        String stayedAgain = guest("again-" + run, "OCC1", null, day.minusDays(90), ConsentStatus.GRANTED, 1);
        String hotelOff = guest("off-" + run, "OCCOFF", day.minusYears(20), null, ConsentStatus.GRANTED, 1);
        // crm.guests says where the last stay was: that hotel's settings apply, not the first hotel of the profiles.
        String lastStayOff = "g-lastoff-" + run;
        publishGuest(lastStayOff, "OCC1", "OCCOFF", day.minusYears(25), null, 1);
        String lastStayOn = "g-laston-" + run;
        publishGuest(lastStayOn, "OCCOFF", "OCC1", day.minusYears(35), null, 1);
        List<String> guests = List.of(birthday, winBack, anniversary, noConsent, both, stayedAgain, hotelOff,
                lastStayOff, lastStayOn);
        awaitDirectory(guests, 6);

        Instant now = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        scheduler.planAt(now);
        assertEquals(List.of("BIRTHDAY:" + day.getYear()), occasionsOf(birthday));
        assertEquals(List.of("WIN_BACK:" + day.minusDays(90)), occasionsOf(winBack));
        assertEquals(List.of("STAY_ANNIVERSARY:" + day.getYear()), occasionsOf(anniversary));
        assertEquals(List.of("BIRTHDAY:" + day.getYear(), "STAY_ANNIVERSARY:" + day.getYear()), occasionsOf(both));
        assertEquals(List.of(), occasionsOf(hotelOff), "the hotel turned the tenant's birthday off");
        assertEquals(List.of(), occasionsOf(lastStayOff), "last stayed at OCCOFF (first profile hotel OCC1)");
        assertEquals(List.of("BIRTHDAY:" + day.getYear()), occasionsOf(lastStayOn), "last stayed at OCC1");
        assertEquals(1, count("select count(*) from communication where guest_id = :g and hotel_code = 'OCC1'",
                lastStayOn), "planned for the hotel of the last stay");
        // Planned again (another run, another replica's tick): nothing twice. A year on: the next birthday only.
        scheduler.planAt(now.plus(Duration.ofHours(1)));
        assertEquals(1, occasionsOf(birthday).size());
        scheduler.planAt(now.atZone(ZoneOffset.UTC).plusYears(1).toInstant());
        assertEquals(List.of("BIRTHDAY:" + day.getYear(), "BIRTHDAY:" + (day.getYear() + 1)), occasionsOf(birthday));

        // The guest stays again before the win-back goes: a new last departure (yesterday) on crm.guests.
        publishGuest(stayedAgain, "OCC1", null, day.minusDays(11), 2);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> count(
                "select count(*) from guest_directory where guest_id = :g and version = 2", stayedAgain) == 1);

        makeDueThisYear(guests, day);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("birthday BIRTHDAY", "SENT");
        expected.put("winBack WIN_BACK", "SENT");
        expected.put("anniversary STAY_ANNIVERSARY", "SENT");
        expected.put("noConsent BIRTHDAY", "SKIPPED");
        expected.put("stayedAgain WIN_BACK", "CANCELLED");
        expected.put("both SENT or SKIPPED", "2");
        // Says which status is not reached, and every row of these guests as it stands, when the wait ends unmet.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<String, String> seen = new LinkedHashMap<>();
            seen.put("birthday BIRTHDAY", statusOf(birthday, "BIRTHDAY"));
            seen.put("winBack WIN_BACK", statusOf(winBack, "WIN_BACK"));
            seen.put("anniversary STAY_ANNIVERSARY", statusOf(anniversary, "STAY_ANNIVERSARY"));
            seen.put("noConsent BIRTHDAY", statusOf(noConsent, "BIRTHDAY"));
            seen.put("stayedAgain WIN_BACK", statusOf(stayedAgain, "WIN_BACK"));
            seen.put("both SENT or SKIPPED", String.valueOf(count(
                    "select count(*) from communication where guest_id = :g and status in ('SENT', 'SKIPPED')", both)));
            assertEquals(expected, seen, () -> "occasion statuses after makeDueThisYear; rows: " + rowsOf(guests));
        });
        assertEquals("no marketing consent", reasonOf(noConsent, "BIRTHDAY"));
        assertEquals("guest stayed again since", reasonOf(stayedAgain, "WIN_BACK"));
        assertEquals(1, count("select count(*) from communication where guest_id = :g and status = 'SENT'", both),
                "two occasions on one day, a cap of one per 30 days: one mail");
        assertEquals("capped: at most 1 marketing message per 30 days", QuarkusTransaction.requiringNew().call(() ->
                (String) entityManager.createNativeQuery("select reason from communication where guest_id = :g "
                        + "and status = 'SKIPPED'").setParameter("g", both).getSingleResult()));

        MimeMessage mail = single(emailOf(birthday));
        assertTrue(mail.getSubject().startsWith("Happy birthday from "), mail.getSubject());
        assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);
        String link = mail.getHeader("List-Unsubscribe")[0];
        SignedLinks.Grant grant = SignedLinks.fromConfig()
                .verify(link.substring(link.indexOf("?t=") + 3, link.length() - 1), "unsubscribe");
        assertTrue(grant.subject().startsWith("EMAIL:MARKETING:cp1_"), grant.subject());
        assertEquals("built-in birthday.en", mail.getHeader("X-GuestCRM-Template")[0]);
        assertTrue(single(emailOf(winBack)).getSubject().startsWith("We miss you at "));
        assertTrue(single(emailOf(anniversary)).getSubject().startsWith("A year ago at "));
        assertEquals(1, MailServer.shared().messagesTo(emailOf(both)).size());
        for (String none : List.of(noConsent, stayedAgain, hotelOff)) {
            assertEquals(0, MailServer.shared().messagesTo(emailOf(none)).size(), none);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String emailOf(String guestId) {
        return guestId + "@example.com";
    }

    private static String guest(String name, String hotel, LocalDate birthDate, LocalDate lastDeparture,
                                ConsentStatus marketing, long version) {
        String guestId = "g-" + name;
        publishGuest(guestId, hotel, birthDate, lastDeparture, version);
        if (marketing != null) {
            ConsentChanged consent = ConsentChanged.newBuilder()
                    .setMetadata(metadata("ConsentChanged"))
                    .setContactPoint(emailOf(guestId)).setChannel(ConsentChannel.EMAIL)
                    .setPurpose(ConsentPurpose.MARKETING).setStatus(marketing).setSource(ConsentSource.PREFERENCE_CENTRE)
                    .setEffectiveAt(Instant.now()).setGuestId(guestId).setHotelCode(null).setEvidence(null)
                    .build();
            KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), TENANT + ":EMAIL:MARKETING:" + emailOf(guestId),
                    consent);
        }
        return guestId;
    }

    private static void publishGuest(String guestId, String hotel, LocalDate birthDate, LocalDate lastDeparture,
                                     long version) {
        publishGuest(guestId, hotel, null, birthDate, lastDeparture, version);
    }

    /** A GuestUpdated whose source profile is at {@code hotel} and whose last stay was at {@code lastStayHotel}. */
    private static void publishGuest(String guestId, String hotel, String lastStayHotel, LocalDate birthDate,
                                     LocalDate lastDeparture, long version) {
        GuestUpdated guest = GuestUpdated.newBuilder()
                .setLastStayHotelCode(lastStayHotel)
                .setMetadata(metadata("GuestUpdated"))
                .setGuestId(guestId)
                .setVersion(version)
                .setLanguage("en")
                .setBirthDate(birthDate)
                .setLastStayDeparture(lastDeparture)
                .setEmails(List.of(ContactPoint.newBuilder().setValue(emailOf(guestId)).setPrimary(true)
                        .setSources(List.of()).build()))
                .setStayCount(lastDeparture == null ? 0 : (int) version)
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-" + guestId).setHotelCode(hotel).build()))
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, guest);
    }

    private static EventMetadata metadata(String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(TENANT).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }

    /** Waits until the guests are in the directory and {@code consents} of them in consent_state. */
    private void awaitDirectory(List<String> guestIds, long consents) {
        String[] ids = guestIds.toArray(String[]::new);
        String[] emails = guestIds.stream().map(OccasionsJourneyTest::emailOf).toArray(String[]::new);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager.createNativeQuery(
                                "select count(*) from guest_directory where guest_id = any (cast(:ids as text[]))")
                        .setParameter("ids", ids).getSingleResult()).longValue() == ids.length
                        && ((Number) entityManager.createNativeQuery("select count(*) from consent_state "
                                + "where tenant = :t and contact_point = any (cast(:emails as text[]))")
                        .setParameter("t", TENANT).setParameter("emails", emails).getSingleResult()).longValue()
                        == consents));
    }

    /** The guest's planned occasions as STEP:occasion, in order. */
    private List<String> occasionsOf(String guestId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<String> rows = entityManager.createNativeQuery("select step || ':' || occasion from communication "
                            + "where guest_id = :g and occasion is not null order by step, occasion")
                    .setParameter("g", guestId).getResultList();
            return rows;
        });
    }

    /** The tests' stand-in for the dispatcher's clock: this year's occasions of these guests are due now. */
    private void makeDueThisYear(List<String> guestIds, LocalDate day) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        update communication set due_at = now() - interval '1 minute'
                        where guest_id = any (cast(:ids as text[])) and occasion is not null
                          and due_at < :until""")
                .setParameter("ids", guestIds.toArray(String[]::new))
                .setParameter("until", day.plusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant())
                .executeUpdate());
    }

    /** Every occasion row of these guests (ids, no personal data): step, occasion, status, reason, times, attempts. */
    private String rowsOf(List<String> guestIds) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery("""
                            select guest_id, step, occasion, status, reason, due_at, next_attempt_at, attempts,
                                   lease_expires_at, now()
                            from communication where guest_id = any (cast(:ids as text[])) and occasion is not null
                            order by guest_id, due_at""")
                    .setParameter("ids", guestIds.toArray(String[]::new)).getResultList();
            StringBuilder text = new StringBuilder();
            for (Object[] row : rows) {
                text.append("\n  ").append(java.util.Arrays.toString(row));
            }
            return text.toString();
        });
    }

    private String statusOf(String guestId, String step) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = entityManager.createNativeQuery("select status from communication where guest_id = :g "
                            + "and step = :s order by due_at limit 1")
                    .setParameter("g", guestId).setParameter("s", step).getResultList();
            return rows.isEmpty() ? "" : (String) rows.getFirst();
        });
    }

    private String reasonOf(String guestId, String step) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                        "select reason from communication where guest_id = :g and step = :s order by due_at limit 1")
                .setParameter("g", guestId).setParameter("s", step).getSingleResult());
    }

    private long count(String sql, String guestId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("g", guestId).getSingleResult()).longValue());
    }

    private static MimeMessage single(String email) {
        List<MimeMessage> mails = MailServer.shared().messagesTo(email);
        assertEquals(1, mails.size(), "one mail");
        return mails.getFirst();
    }
}
