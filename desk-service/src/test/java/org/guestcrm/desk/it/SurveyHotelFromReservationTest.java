package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A SurveyAnswered without a hotelCode (the schema allows it) takes the hotel of the reservation the desk holds: it
 * counts in that hotel's satisfaction figures and a detractor's comment opens the hotel's service-recovery task. An
 * answer whose reservation the desk does not hold, or that names no reservation either, is a dead letter saying why.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class SurveyHotelFromReservationTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String SURVEYS = Topic.CRM_SURVEY_RESPONSES.topicName();
    static final String COMMENT = "The room was cold, Greta Spreewald";

    @Test
    void anAnswerWithoutHotelTakesTheHotelOfItsReservationAndAnUnplaceableOneIsADeadLetter() {
        Stay stay = Stay.unique("BERLIN");
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.CONFIRMED, booked));
        DocumentsTest.awaitDocuments(stay, d -> d.getList("kind").size() == 3); // the desk holds the reservation

        // No hotelCode, the reservation named: placed in BERLIN, a detractor with a comment -> BERLIN's recovery task.
        UUID placed = UUID.randomUUID();
        send(answer(stay.tenant(), placed, UUID.randomUUID(), null, stay.reservationId(), 3, COMMENT));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            Integer responses = kpis(stay.tenant()).get("hotels.find { it.hotelCode == 'BERLIN' }.surveys.responses");
            return responses != null && responses == 1;
        });
        JsonPath figures = kpis(stay.tenant());
        assertEquals(List.of("BERLIN"), figures.getList("hotels.hotelCode"));
        assertEquals(1, figures.getInt("group.surveys.responses"));
        assertEquals(1, figures.getInt("group.surveys.detractors"));
        List<Map<String, Object>> recovery = Staff.agent(stay.tenant())
                .get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=all").then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("").stream().filter(t -> "SERVICE_RECOVERY".equals(t.get("kind"))).toList();
        assertEquals(1, recovery.size(), recovery.toString());
        assertEquals("BERLIN", recovery.getFirst().get("hotelCode"));
        assertEquals(stay.reservationId(), recovery.getFirst().get("pmsReservationId"));

        // No hotelCode and a reservation the desk does not hold: a dead letter naming why, not the comment.
        UUID unknownCommunication = UUID.randomUUID();
        send(answer(stay.tenant(), UUID.randomUUID(), unknownCommunication, null, "R-NEVER-SEEN", 2, COMMENT));
        String unknown = reasonOf(unknownCommunication);
        assertTrue(unknown.contains("no hotelCode") && unknown.contains("R-NEVER-SEEN") && unknown.contains("no hotel"),
                unknown);
        assertFalse(unknown.contains("cold"), unknown);

        // Neither hotelCode nor pmsReservationId: dead-lettered at once, naming the field.
        UUID nowhereCommunication = UUID.randomUUID();
        send(answer(stay.tenant(), UUID.randomUUID(), nowhereCommunication, null, null, 9, null));
        String nowhere = reasonOf(nowhereCommunication);
        assertTrue(nowhere.contains("hotelCode (nor a pmsReservationId to take it from)"), nowhere);

        assertEquals(1, kpis(stay.tenant()).getInt("group.surveys.responses"), "the dead letters count nowhere");
    }

    private static String reasonOf(UUID communicationId) {
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_SURVEY_RESPONSES
                .deadLetterTopicName(), r -> communicationId.toString().equals(r.key()), WAIT);
        return new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
    }

    private static JsonPath kpis(String tenant) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant).then().statusCode(200)
                .extract().jsonPath();
    }

    private static void send(SurveyAnswered answer) {
        KafkaTestClients.sendAvro(SURVEYS, answer.getCommunicationId().toString(), answer);
    }

    private static SurveyAnswered answer(String tenant, UUID responseId, UUID communicationId, String hotel,
                                         String reservation, int score, String comment) {
        return SurveyAnswered.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "SurveyAnswered"))
                        .setSource("journey-service").build())
                .setResponseId(responseId)
                .setRevision(1)
                .setCommunicationId(communicationId)
                .setTenantId(tenant)
                .setHotelCode(hotel)
                .setPmsReservationId(reservation)
                .setScore(score)
                .setRatings(Map.of())
                .setComment(comment)
                .setLanguage("en")
                .setAnsweredAt(Instant.now())
                .build();
    }
}
