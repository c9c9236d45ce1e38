package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.simulator.PmsSimulator;
import org.guestcrm.simulator.SimulatedCustomer;
import org.guestcrm.simulator.SimulatedReservation;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Polling a generic JSON "changes since" API with a persisted cursor: the PMS simulator serves the API, the running
 * connector polls it, the events arrive on the real Kafka topic.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class JsonPollingTest {

    static final String TENANT = "polling-tenant";
    static PmsSimulator simulator;

    @BeforeAll
    static void start() throws Exception {
        simulator = PmsSimulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void changesArePolledFromThePersistedCursorAnOutageIsCaughtUpAndABadChangeIsRefusedAlone() {
        String feedId = "poll-" + UUID.randomUUID().toString().substring(0, 8);
        String prefix = "P" + UUID.randomUUID().toString().substring(0, 6).toUpperCase() + "-";
        // three changes already in the PMS when the feed is set up: read from the beginning
        simulator.putCustomer(SimulatedCustomer.of(prefix + "G", "Mary", "Shelley", "mary.shelley@example.org"));
        for (int i = 1; i <= 3; i++) {
            simulator.putReservation(SimulatedReservation.confirmed(prefix + i, "BER", prefix + "G",
                    LocalDate.of(2027, 6, i), LocalDate.of(2027, 6, i + 2)));
        }
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"JSON_POLLING\", \"status\": \"PAUSED\"}")
                .post("/api/v1/feeds?tenant=" + TENANT).then().statusCode(201);
        Staff.admin(TENANT).contentType("application/json")
                .body("{\"baseUrl\": \"" + simulator.baseUrl() + "\", \"accessToken\": \"changes-token\", \"pollIntervalSeconds\": 1}")
                .put("/api/v1/feeds/{feedId}/pms-api", feedId).then().statusCode(200).body("pollIntervalSeconds", equalTo(1));
        Staff.admin(TENANT).post("/api/v1/feeds/{feedId}/resume", feedId).then().statusCode(200);

        for (int i = 1; i <= 3; i++) {
            String key = TENANT + ":BER:" + prefix + i;
            await().atMost(Duration.ofSeconds(60)).until(() -> reservations(key), l -> l.size() == 1);
        }
        String cursor = await().atMost(Duration.ofSeconds(30)).until(() -> cursor(feedId), c -> c != null && !c.equals("0"));

        // paused, nothing is polled; the cursor stays persisted; resumed, the poller starts from it, not from the start
        Staff.admin(TENANT).post("/api/v1/feeds/{feedId}/pause", feedId).then().statusCode(200);
        simulator.putReservation(simulator.reservation(prefix + 2).orElseThrow().withState(SimulatedReservation.State.CANCELED));
        int asked = simulator.cursorsAsked().size();
        Staff.admin(TENANT).post("/api/v1/feeds/{feedId}/resume", feedId).then().statusCode(200);
        ReservationChanged cancelled = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(TENANT + ":BER:" + prefix + 2), l -> l.size() == 2).getLast().value();
        assertEquals(ReservationChangeType.CANCELLED, cancelled.getChangeType());
        List<Long> after = simulator.cursorsAsked().subList(asked, simulator.cursorsAsked().size());
        assertTrue(after.stream().allMatch(c -> c >= Long.parseLong(cursor)),
                "resumed from the persisted cursor " + cursor + ", asked " + after);

        // an outage: polls fail and are retried, the cursor waits; when the PMS is back the changes are caught up
        simulator.setApiAvailable(false);
        try {
            simulator.putReservation(SimulatedReservation.confirmed(prefix + 4, "BER", null, LocalDate.of(2027, 7, 1),
                    LocalDate.of(2027, 7, 2)));
            simulator.putReservation(simulator.reservation(prefix + 1).orElseThrow().withState(SimulatedReservation.State.NO_SHOW));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Staff.admin(TENANT)
                    .get("/api/v1/feeds/{feedId}/poll", feedId).then().statusCode(200)
                    .body("attempts", greaterThanOrEqualTo(2)).body("lastError", containsString("503")));
        } finally {
            simulator.setApiAvailable(true);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> reservations(TENANT + ":BER:" + prefix + 4), l -> l.size() == 1);
        ReservationChanged noShow = await().atMost(Duration.ofSeconds(60))
                .until(() -> reservations(TENANT + ":BER:" + prefix + 1), l -> l.size() == 2).getLast().value();
        assertEquals(ReservationStatus.NO_SHOW, noShow.getStatus());

        // a change the connector cannot use (departure before arrival) is refused alone; the cursor moves past it
        simulator.putReservation(SimulatedReservation.confirmed(prefix + 5, "BER", null, LocalDate.of(2027, 8, 5),
                LocalDate.of(2027, 8, 1)));
        simulator.putReservation(SimulatedReservation.confirmed(prefix + 6, "BER", null, LocalDate.of(2027, 8, 5),
                LocalDate.of(2027, 8, 6)));
        await().atMost(Duration.ofSeconds(60)).until(() -> reservations(TENANT + ":BER:" + prefix + 6), l -> l.size() == 1);
        Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/poll", feedId).then().statusCode(200)
                .body("changesRejected", equalTo(1))
                .body("rejections[0].pmsReservationId", equalTo(prefix + 5))
                .body("rejections[0].fields", containsString("departure"))
                .body("attempts", equalTo(0));
        assertEquals(List.of(), reservations(TENANT + ":BER:" + prefix + 5));
        for (int i = 1; i <= 6; i++) {
            int expected = i == 1 || i == 2 ? 2 : i == 5 ? 0 : 1;
            assertEquals(expected, reservations(TENANT + ":BER:" + prefix + i).size(), "events of reservation " + i);
        }
    }

    private static String cursor(String feedId) {
        return Staff.admin(TENANT).get("/api/v1/feeds/{feedId}/poll", feedId).then().statusCode(200).extract().path("cursor");
    }

    private static List<DecodedRecord<ReservationChanged>> reservations(String key) {
        return WebhookFetchTest.reservations(key);
    }
}
