package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.messaging.CommunicationProgress;
import org.guestcrm.desk.messaging.DeskSweep;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * Under load the communication that sent a document may still be in the communications consumer's lag when the sweep
 * looks at the document's due time. The sweep judges lateness only up to what the consumer has caught up to: here a
 * backlog is made real (the consumer's batch waits on a row lock the test holds in PostgreSQL, so the broker holds a
 * record the desk has not applied): the online check-in, whose SENT is in that backlog, is not called late; the
 * pre-arrival information, due before the newest communication applied, is late (task) all the same; once the
 * backlog is applied the check-in is SENT and no task was ever opened for it.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class LateDocumentLagTest {

    @Inject
    DeskClock clock;
    @Inject
    DeskSweep sweep;
    @Inject
    CommunicationProgress progress;
    @Inject
    AgroalDataSource dataSource;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aBacklogOfCommunicationsOpensNoLateTaskButAReallyLateDocumentStillDoes() throws Exception {
        Instant booked = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Stay stay = Stay.unique("BERLIN");
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.CONFIRMED, booked));
        DocumentsTest.awaitDocuments(stay, d -> d.getList("kind").size() == 3);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant preArrivalDue = stay.arrival().minusDays(7).atTime(12, 0).atZone(berlin).toInstant();
        Instant checkInDue = stay.arrival().minusDays(1).atTime(12, 0).atZone(berlin).toInstant();

        // The consumer has applied a communication of a day after the pre-arrival's due time (its partition's newest).
        Instant caughtUp = preArrivalDue.plus(Duration.ofDays(1));
        UUID confirmation = UUID.randomUUID();
        send(stay, "CONFIRMATION", confirmation, caughtUp);
        DocumentsTest.awaitDocuments(stay, d -> "SENT".equals(d.getString("[0].state")));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> QuarkusTransaction
                .requiringNew().call(() -> progress.caughtUpTo(Instant.now())).map(c -> c.behind() == 0).orElse(false));

        UUID checkIn = UUID.randomUUID();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement select = lock.prepareStatement(
                    "select id from document where reservation_key = ? and kind = 'CONFIRMATION' for update")) {
                select.setString(1, stay.key());
                select.executeQuery().close();
            }
            // The check-in's SENT reaches the broker; the consumer's batch waits on the row lock: a real backlog.
            send(stay, "PRE_CHECK_IN", checkIn, checkInDue.plusSeconds(60));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> QuarkusTransaction
                    .requiringNew().call(() -> progress.caughtUpTo(Instant.now())).map(c -> c.behind() > 0)
                    .orElse(false));

            clock.setNow(checkInDue.plus(Duration.ofHours(1)));
            sweep.runOnce(clock.now());
            sweep.runOnce(clock.now());
            JsonPath documents = DocumentsTest.documents(stay);
            assertEquals(List.of("CONFIRMATION", "PRE_ARRIVAL", "ONLINE_CHECK_IN"), documents.getList("kind"));
            assertEquals("MISSING", documents.getString("[1].state"), "due before what the consumer caught up to");
            assertNotNull(documents.getString("[1].lateTaskId"));
            assertEquals("DUE", documents.getString("[2].state"), "its SENT is in the consumer's lag");
            assertNull(documents.getString("[2].lateTaskId"));
            lock.rollback();
        }

        JsonPath applied = DocumentsTest.awaitDocuments(stay, d -> "SENT".equals(d.getString("[2].state")));
        assertEquals(checkIn.toString(), applied.getString("[2].communicationId"));
        sweep.runOnce(clock.now());
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant() + "&view=all").then().statusCode(200)
                .body("subject", org.hamcrest.Matchers.contains("PRE_ARRIVAL: not sent by its due time"));
    }

    private static void send(Stay stay, String step, UUID communicationId, Instant at) {
        CommunicationEvent sent = DocumentLockOrderTest.sent(stay, step, communicationId);
        CommunicationEvent event = CommunicationEvent.newBuilder(sent).setMetadata(
                org.guestcrm.events.EventMetadata.newBuilder(sent.getMetadata()).setOccurredAt(at).build()).build();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), stay.key(), event);
    }
}
