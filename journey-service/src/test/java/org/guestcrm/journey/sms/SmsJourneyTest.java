package org.guestcrm.journey.sms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
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
import jakarta.persistence.EntityManager;

/**
 * SMS end to end through Kafka, PostgreSQL and a real local SMS gateway ({@link SmsPeer}, Twilio's Messages API shape):
 * the pre-check-in of a guest with a valid mobile number is planned and sent as SMS, a national number is read with
 * the hotel's country, SMS consent is checked at send time (a withdrawn one falls back to e-mail), a refused number
 * fails for good, quiet hours move the text.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
@io.quarkus.test.junit.TestProfile(SmsProfile.class)
class SmsJourneyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EntityManager entityManager;


    @Test
    void thePreCheckInOfAGuestWithAMobileNumberGoesAsSmsThroughTheGateway() throws Exception {
        Booking booking = Booking.unique();
        send(booking, withPhone(booking, 1, "+41 79 123 45 67", "fr"));
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        assertEquals("SMS", planned.getString("find { it.step == 'PRE_CHECK_IN' }.channel"));
        assertEquals("EMAIL", planned.getString("find { it.step == 'PRE_STAY' }.channel"), "only configured steps");
        assertEquals("EMAIL", planned.getString("find { it.step == 'CONFIRMATION' }.channel"));

        UUID preCheckIn = idOf(planned, "PRE_CHECK_IN");
        makeDue(preCheckIn);
        awaitCommunications(booking, stepIs("PRE_CHECK_IN", "SENT"));

        List<String[]> texts = received(r -> r[2].equals(preCheckIn.toString()));
        assertEquals(1, texts.size(), "one request, keyed by the communication id");
        String[] text = texts.getFirst();
        assertEquals("+41791234567", text[0], "E.164");
        assertTrue(text[1].contains("Hotel Seeblick") && text[1].contains(booking.reservationId()), text[1]);
        assertTrue(text[1].contains("nous vous attendons demain"), "in the guest's language: " + text[1]);
        assertEquals("Basic " + Base64.getEncoder().encodeToString((SmsPeer.ACCOUNT_SID + ":" + SmsPeer.AUTH_TOKEN)
                .getBytes(StandardCharsets.UTF_8)), text[3]);
        assertEquals(1, MailServer.shared().messagesTo(booking.email()).size(),
                "the confirmation only: the pre-check-in went by SMS");

        // SENT by SMS carries the segments the text took (GSM-7, under 160 septets: 1); SENT by e-mail none.
        List<org.guestcrm.events.CommunicationEvent> sent = KafkaTestClients
                .<org.guestcrm.events.CommunicationEvent>awaitAvroRecords(Topic.CRM_COMMUNICATIONS.topicName(),
                        r -> r.key().equals(booking.key())
                                && r.value().getStatus() == org.guestcrm.events.CommunicationStatus.SENT, 2, WAIT)
                .stream().map(org.apache.kafka.clients.consumer.ConsumerRecord::value).toList();
        org.guestcrm.events.CommunicationEvent sms = sent.stream()
                .filter(e -> e.getCommunicationId().equals(preCheckIn)).findFirst().orElseThrow();
        assertEquals(org.guestcrm.events.CommunicationChannel.SMS, sms.getChannel());
        assertEquals(org.guestcrm.journey.domain.SmsSegments.segmentsOf(text[1]), sms.getSegments());
        assertEquals(1, sms.getSegments());
        assertEquals(null, sent.stream().filter(e -> !e.getCommunicationId().equals(preCheckIn)).findFirst()
                .orElseThrow().getSegments(), "e-mail: no segments");
    }

    @Test
    void aNationalNumberIsReadWithTheHotelsCountryAndAnInvalidOneMeansEmail() {
        // Test profile: hotel SEEBLICK is in Switzerland.
        Booking national = Booking.unique();
        send(national, withPhone(national, 1, "079 123 45 68", "en"));
        JsonPath planned = awaitCommunications(national, stepIs("CONFIRMATION", "SENT"));
        assertEquals("SMS", planned.getString("find { it.step == 'PRE_CHECK_IN' }.channel"));
        makeDue(idOf(planned, "PRE_CHECK_IN"));
        awaitCommunications(national, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals(1, received(r -> r[0].equals("+41791234568")).size());

        Booking invalid = Booking.unique();
        send(invalid, withPhone(invalid, 1, "12", "en"));
        assertEquals("EMAIL", awaitCommunications(invalid, stepIs("CONFIRMATION", "SENT"))
                .getString("find { it.step == 'PRE_CHECK_IN' }.channel"), "no valid number: e-mail");
    }

    @Test
    void aWithdrawnSmsConsentIsCheckedAtSendTimeAndTheStepFallsBackToEmail() {
        Booking booking = Booking.unique();
        send(booking, withPhone(booking, 1, "+41 79 123 45 70", "en"));
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        UUID preCheckIn = idOf(planned, "PRE_CHECK_IN");
        assertEquals("SMS", planned.getString("find { it.step == 'PRE_CHECK_IN' }.channel"));

        ConsentChanged withdrawn = ConsentChanged.newBuilder()
                .setMetadata(metadata(booking.tenant()))
                .setContactPoint("+41791234570").setChannel(ConsentChannel.SMS)
                .setPurpose(ConsentPurpose.PRE_STAY_SERVICE).setStatus(ConsentStatus.WITHDRAWN)
                .setSource(ConsentSource.FRONT_DESK).setEffectiveAt(Instant.now())
                .setGuestId(null).setHotelCode(booking.hotelCode()).setEvidence(null)
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(),
                booking.tenant() + ":SMS:PRE_STAY_SERVICE:+41791234570", withdrawn);
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("SELECT count(*) FROM consent_state WHERE tenant = :t AND channel = 'SMS'")
                .setParameter("t", booking.tenant()).getSingleResult()).intValue()) == 1);

        makeDue(preCheckIn);
        JsonPath sent = awaitCommunications(booking, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals("EMAIL", sent.getString("find { it.step == 'PRE_CHECK_IN' }.channel"));
        assertEquals(List.of(), received(r -> r[2].equals(preCheckIn.toString())), "no SMS to a withdrawn number");
        assertEquals(2, MailServer.shared().messagesTo(booking.email()).size(),
                "confirmation and the pre-check-in by e-mail");
    }

    @Test
    void aNumberTheGatewayRefusesFailsForGoodWithoutTheNumberInTheReason() {
        Booking booking = Booking.unique();
        send(booking, withPhone(booking, 1, "+41 79 123 45 99", "en"));
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        UUID preCheckIn = idOf(planned, "PRE_CHECK_IN");
        makeDue(preCheckIn);

        JsonPath failed = awaitCommunications(booking, stepIs("PRE_CHECK_IN", "FAILED"));
        assertEquals("undeliverable: SMS gateway answered 400 (error 21211)",
                failed.getString("find { it.step == 'PRE_CHECK_IN' }.reason"));
        assertEquals(1, failed.getInt("find { it.step == 'PRE_CHECK_IN' }.attempts"));
        assertEquals(1, received(r -> r[2].equals(preCheckIn.toString())).size(), "not retried");
    }

    @Test
    void anSmsDueInsideTheHotelsQuietHoursIsPlannedForTheirEnd() {
        Booking unique = Booking.unique();
        // Hotel NIGHTOWL (test profile): Asia/Tokyo, quiet 00:00-23:00, country JP.
        Booking booking = new Booking(unique.tenant(), "NIGHTOWL", unique.reservationId(), unique.email());
        LocalDate arrival = LocalDate.now().plusDays(30);
        send(booking, withPhone(booking, 1, "+81 90 1234 5678", "en"));
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        assertEquals("SMS", planned.getString("find { it.step == 'PRE_CHECK_IN' }.channel"));
        assertEquals(arrival.minusDays(1).atTime(23, 0).atZone(ZoneId.of("Asia/Tokyo")).toInstant(),
                Instant.parse(planned.getString("find { it.step == 'PRE_CHECK_IN' }.dueAt")),
                "10:00 is quiet there: the text waits for 23:00");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ReservationChanged withPhone(Booking booking, long sequence, String phone, String language) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        ReservationChanged snapshot = booking.snapshot(sequence, ReservationStatus.CONFIRMED, arrival,
                arrival.plusDays(3));
        ReservationGuest guest = ReservationGuest.newBuilder(snapshot.getGuests().getFirst())
                .setPhone(phone).setLanguage(language).build();
        return ReservationChanged.newBuilder(snapshot).setGuests(new ArrayList<>(List.of(guest))).build();
    }

    private static void send(Booking booking, ReservationChanged snapshot) {
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(), snapshot);
    }

    private static EventMetadata metadata(String tenant) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ConsentChanged")
                .setOccurredAt(Instant.now()).setSource("test").setTenantId(tenant)
                .setCorrelationId("corr-" + UUID.randomUUID()).setCausationId(null).setSchemaVersion(1).build();
    }

    /**
     * Where {@link SmsPeer} listens: read when needed, not injected (an injected config property would be required by
     * every test application of the module, also those without the peer).
     */
    private static String gatewayUrl() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("journey.sms.gateway-url",
                String.class);
    }

    /** The requests the SMS peer received that match, as [To, Body, idempotency token, Authorization, status]. */
    private List<String[]> received(Predicate<String[]> match) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gatewayUrl() + "/received")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return answer.body().lines().filter(line -> !line.isBlank())
                    .map(line -> Arrays.stream(line.split("\t", -1))
                            .map(field -> URLDecoder.decode(field, StandardCharsets.UTF_8)).toArray(String[]::new))
                    .filter(match)
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("the SMS peer did not answer", e);
        }
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

    private static Predicate<JsonPath> stepIs(String step, String status) {
        return list -> status.equals(list.getString("find { it.step == '" + step + "' }.status"));
    }

    private static UUID idOf(JsonPath communications, String step) {
        return UUID.fromString(communications.getString("find { it.step == '" + step + "' }.id"));
    }

    private void makeDue(UUID communicationId) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id = :id")
                .setParameter("id", communicationId)
                .executeUpdate());
    }
}
