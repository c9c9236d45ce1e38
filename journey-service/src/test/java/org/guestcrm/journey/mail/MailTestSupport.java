package org.guestcrm.journey.mail;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import jakarta.persistence.EntityManager;

/** What the mail tests share: booking through Kafka, reading the API, and making a planned step due now. */
final class MailTestSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    private MailTestSupport() {
    }

    /** Books a 3-night stay 30 days ahead through pms.reservations (confirmation now, pre-stay in 23 days). */
    static void book(Booking booking) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
    }

    static JsonPath awaitCommunications(Booking booking, Predicate<JsonPath> condition) {
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

    static Predicate<JsonPath> stepIs(String step, String status) {
        return list -> status.equals(list.getString("find { it.step == '" + step + "' }.status"));
    }

    static UUID idOf(JsonPath communications, String step) {
        return UUID.fromString(communications.getString("find { it.step == '" + step + "' }.id"));
    }

    static String messageIdOf(UUID communicationId) {
        return "<" + communicationId + "@journey.guestcrm.local>";
    }

    /** Lets the clock reach the communications' due time: they are due a minute ago. */
    static void makeDue(EntityManager entityManager, List<UUID> communicationIds) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id IN (:ids)")
                .setParameter("ids", communicationIds)
                .executeUpdate());
    }

    /** The Prometheus value of the ambiguous re-send counter. */
    static double ambiguousResends() {
        String metrics = Staff.ops().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("guestcrm_journey_mail_ambiguous_resends_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no guestcrm_journey_mail_ambiguous_resends_total in /q/metrics"));
    }
}
