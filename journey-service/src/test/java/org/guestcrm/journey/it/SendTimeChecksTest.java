package org.guestcrm.journey.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.domain.ContactPointRef;
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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * What the dispatcher checks under its claim, just before a mail goes out: consent (crm.consents) for non-transactional
 * steps, the reservation's current state (a stale plan never mails), and the RFC 8058 headers of what it does send.
 * Steps are made due by moving {@code due_at} in the database (the tests' stand-in for a clock).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class SendTimeChecksTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EntityManager entityManager;

    @Test
    void aWithdrawnConsentSuppressesTheServiceMailButNotTheTransactionalOnesAndSentOnesCarryOneClickUnsubscribe()
            throws Exception {
        Booking booking = Booking.unique();
        book(booking);
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        ConsentChanged withdrawn = consent(booking, ConsentPurpose.PRE_STAY_SERVICE, ConsentStatus.WITHDRAWN);
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), booking.tenant() + ":EMAIL:PRE_STAY_SERVICE:"
                + booking.email(), withdrawn);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> count(
                "SELECT count(*) FROM consent_state WHERE event_id = :id", withdrawn.getMetadata().getEventId()) == 1);

        makeDue(List.of(idOf(planned, "PRE_STAY"), idOf(planned, "POST_STAY_SURVEY"), idOf(planned, "PRE_CHECK_IN")));

        JsonPath after = awaitCommunications(booking, stepIs("PRE_STAY", "SKIPPED")
                .and(stepIs("POST_STAY_SURVEY", "SENT")).and(stepIs("PRE_CHECK_IN", "SENT")));
        assertEquals("suppressed: consent withdrawn (PRE_STAY_SERVICE)",
                after.getString("find { it.step == 'PRE_STAY' }.reason"));
        List<MimeMessage> mails = MailServer.shared().messagesTo(booking.email());
        assertEquals(3, mails.size(), "confirmation, pre-check-in and survey; no pre-stay mail");
        for (MimeMessage mail : mails) {
            boolean survey = mail.getMessageID().contains(idOf(planned, "POST_STAY_SURVEY").toString());
            String[] unsubscribe = mail.getHeader("List-Unsubscribe");
            if (!survey) {
                assertNull(unsubscribe, "a transactional mail carries no List-Unsubscribe");
                continue;
            }
            assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);
            String link = unsubscribe[0];
            assertTrue(link.startsWith("<http://localhost:8084/api/v1/unsubscribe?t=v1.") && link.endsWith(">"), link);
            SignedLinks.Grant grant = SignedLinks.fromConfig()
                    .verify(link.substring(link.indexOf("?t=") + 3, link.length() - 1), "unsubscribe");
            assertEquals(booking.tenant(), grant.tenant());
            // The subject names the address by its opaque reference (the optout-service resolves it): never in the URL.
            assertEquals("EMAIL:GUEST_SURVEY:" + ContactPointRef.of(booking.tenant(), "EMAIL", booking.email()),
                    grant.subject());
            assertFalse(grant.subject().contains("@"), grant.subject());
            assertTrue(grant.expiresAt().isAfter(Instant.now().plus(Duration.ofDays(300))));
        }
    }

    @Test
    void aPlanTheReservationNoLongerMatchesIsCorrectedAtSendTimeInsteadOfMailed() {
        Booking booking = Booking.unique();
        book(booking);
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        // The reservation changes without its plan following (a plan gone stale): cancelled.
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        UPDATE reservation SET status = 'CANCELLED', updated_at = now() + interval '1 second'
                        WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r""")
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).executeUpdate());
        makeDue(List.of(idOf(planned, "PRE_STAY"), idOf(planned, "PRE_CHECK_IN")));

        JsonPath after = awaitCommunications(booking, stepIs("PRE_STAY", "CANCELLED")
                .and(stepIs("PRE_CHECK_IN", "CANCELLED")));
        assertEquals("reservation cancelled", after.getString("find { it.step == 'PRE_STAY' }.reason"));
        assertEquals(1, MailServer.shared().messagesTo(booking.email()).size(),
                "only the confirmation sent before the cancellation");
    }

    @Test
    void movedDatesThePlanDidNotFollowRescheduleAtSendTime() {
        Booking booking = Booking.unique();
        book(booking);
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        LocalDate later = LocalDate.now().plusDays(60);
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        UPDATE reservation SET arrival = :a, departure = :d, updated_at = now() + interval '1 second'
                        WHERE tenant = :t AND hotel_code = :h AND pms_reservation_id = :r""")
                .setParameter("a", later).setParameter("d", later.plusDays(3))
                .setParameter("t", booking.tenant()).setParameter("h", booking.hotelCode())
                .setParameter("r", booking.reservationId()).executeUpdate());
        makeDue(List.of(idOf(planned, "PRE_CHECK_IN")));

        JsonPath after = awaitCommunications(booking, stepIs("PRE_CHECK_IN", "RESCHEDULED"));
        assertEquals(later.minusDays(1).atTime(10, 0).toInstant(java.time.ZoneOffset.UTC).toString(),
                after.getString("find { it.step == 'PRE_CHECK_IN' }.dueAt"));
        assertEquals(1, MailServer.shared().messagesTo(booking.email()).size(),
                "no pre-check-in mail for the old dates");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void book(Booking booking) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
    }

    private static ConsentChanged consent(Booking booking, ConsentPurpose purpose, ConsentStatus status) {
        return ConsentChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ConsentChanged")
                        .setOccurredAt(Instant.now()).setSource("test-optout").setTenantId(booking.tenant())
                        .setCorrelationId("corr-" + UUID.randomUUID()).setCausationId(null).setSchemaVersion(1).build())
                .setContactPoint(booking.email()).setChannel(ConsentChannel.EMAIL).setPurpose(purpose)
                .setStatus(status).setSource(ConsentSource.UNSUBSCRIBE_LINK).setEffectiveAt(Instant.now())
                .setGuestId(null).setHotelCode(null).setEvidence(null)
                .build();
    }

    private void makeDue(List<UUID> ids) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id IN (:ids)")
                .setParameter("ids", ids).executeUpdate());
    }

    private long count(String sql, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("id", id).getSingleResult()).longValue());
    }

    private static UUID idOf(JsonPath communications, String step) {
        return UUID.fromString(communications.getString("find { it.step == '" + step + "' }.id"));
    }

    private static Predicate<JsonPath> stepIs(String step, String status) {
        return list -> status.equals(list.getString("find { it.step == '" + step + "' }.status"));
    }

    private static JsonPath awaitCommunications(Booking booking, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            return condition.test(last[0]);
        });
        return last[0];
    }
}
