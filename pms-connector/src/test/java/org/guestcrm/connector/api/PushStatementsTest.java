package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.persistence.TransactionRecordingDriver;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * What one push costs the database, and pushes of the same message at once. The datasource goes through
 * {@link TransactionRecordingDriver} (its own test profile), which records each committed transaction's statements:
 * the push's intake transaction (the one inserting the inbound message) sends the same few statements whether the
 * message carries 1 event or 41 (a per-row insert or lock would make it grow with the message). Then the same message
 * pushed by 8 threads at once, JSON and OTA: one set of events, every caller answered with the same message and event
 * ids, nothing refused.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
@TestProfile(PushStatementsTest.RecordingTransactions.class)
class PushStatementsTest {

    /** Its own profile: the JDBC driver is a build-time setting. */
    public static class RecordingTransactions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.driver", TransactionRecordingDriver.class.getName());
        }
    }

    /** prepare (aggregate rows + retransmission check), lock (held versions, states, echoes), write (everything). */
    static final int INTAKE_STATEMENTS = 3;
    static final String JSON_PATH = "/api/v1/feeds/{feedId}/reservations";

    @Inject
    DataSource dataSource;

    @Test
    void aPushSendsTheSameThreeStatementsWhateverTheMessageHolds() throws Exception {
        List<TransactionRecordingDriver.Transaction> small = intakeOf(reservation(1));
        List<TransactionRecordingDriver.Transaction> large = intakeOf(reservation(40));
        System.out.println("Push of 1 reservation + 1 profile: intake transaction " + small.getFirst().statements());
        System.out.println("Push of 1 reservation + 40 profiles: intake transaction " + large.getFirst().statements());
        assertEquals(1, small.size(), "one intake transaction per push");
        assertEquals(1, large.size(), "one intake transaction per push");
        assertEquals(INTAKE_STATEMENTS, small.getFirst().statements().size(), "statements: " + small);
        assertEquals(INTAKE_STATEMENTS, large.getFirst().statements().size(),
                "41 events cost the statements of 2: " + large.getFirst().statements());
        assertFalse(large.getFirst().touches("batch:"), "no JDBC batch of per-row statements either");

        // an OTA message with three reservations: the same three
        String ota = Samples.otaHotelResNotif();
        String one = ota.substring(ota.indexOf("<HotelReservation>"), ota.indexOf("</HotelReservations>"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder three = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            three.append(one.replace("ResID_Value=\"7865\"", "ResID_Value=\"S" + run + i + "\""));
        }
        String body = ota.replace(one, three.toString());
        TransactionRecordingDriver.clear();
        String messageId = OtaPushTest.postOta("demo-ota", "demo", body).then().statusCode(200).extract()
                .header("X-Message-Id");
        List<TransactionRecordingDriver.Transaction> otaIntake = intake();
        System.out.println("OTA push of 3 reservations + 3 profiles: intake transaction " + otaIntake);
        assertEquals(1, otaIntake.size());
        assertEquals(INTAKE_STATEMENTS, otaIntake.getFirst().statements().size(), "statements: " + otaIntake);
        assertEquals(6, outboxRows(messageId), "3 reservations and 3 profiles in the outbox");
    }

    /**
     * Everything one push sends to the database, door included (feed, credential, rate limit, intake): the statements
     * of the thread that committed the push's intake transaction while the push ran. The least of 5 pushes is taken
     * (a background job may run on the same pooled thread in the window); it is the intake's 3 when the feed and its
     * credentials are cached (FeedDirectory).
     */
    @Test
    void aWholePushIsTheIntakesThreeRoundTripsWhenTheFeedIsCached() {
        intakeOf(reservation(1)); // the feed and its credentials read once
        List<Integer> perPush = new ArrayList<>();
        List<String> least = null;
        for (int i = 0; i < 5; i++) {
            List<TransactionRecordingDriver.Transaction> intake = intakeOf(reservation(3));
            assertEquals(1, intake.size());
            List<String> sent = TransactionRecordingDriver.sentBy(intake.getFirst().thread());
            perPush.add(sent.size());
            if (least == null || sent.size() < least.size()) {
                least = sent;
            }
        }
        System.out.println("Statements sent by the push's thread, 5 pushes of 1 reservation + 3 profiles: " + perPush
                + "; the least: " + least);
        assertEquals(INTAKE_STATEMENTS, least.size(), "a push's round trips: " + least);
    }

    @Test
    void theSameJsonMessagePushedByEightThreadsAtOnceEmitsOnceAndAnswersEveryCallerWithTheSameIds() throws Exception {
        String body = reservation(2);
        long refusedBefore = refused("demo-json");
        List<Response> answers = atOnce(8, () -> given().contentType("application/json")
                .header("Authorization", "Bearer demo").body(body).when().post(JSON_PATH, "demo-json"));
        Set<String> messageIds = new HashSet<>();
        Set<List<String>> eventIds = new HashSet<>();
        for (Response answer : answers) {
            assertEquals(202, answer.statusCode(), answer.asString());
            messageIds.add(answer.path("messageId"));
            eventIds.add(answer.path("eventIds"));
        }
        assertEquals(1, messageIds.size(), "one message id: " + messageIds);
        assertEquals(1, eventIds.size(), "every caller got the same event ids: " + eventIds);
        List<String> ids = eventIds.iterator().next();
        assertEquals(3, ids.size(), "a reservation and two profiles: " + ids);
        String messageId = messageIds.iterator().next();
        assertEquals(3, outboxRows(messageId), "one set of events in the outbox");
        await().atMost(Duration.ofSeconds(60)).until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(),
                messageId).size() + OtaPushTest.recordsOf(Topic.PMS_PROFILES.topicName(), messageId).size() >= 3);
        // Every row acknowledged by Kafka and marked sent: nothing of this message is still on its way.
        await().atMost(Duration.ofSeconds(60)).until(() -> unsentOutboxRows(messageId) == 0);
        List<String> onKafka = new ArrayList<>();
        OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), messageId)
                .forEach(r -> onKafka.add(r.headers().get("event-id")));
        OtaPushTest.recordsOf(Topic.PMS_PROFILES.topicName(), messageId)
                .forEach(r -> onKafka.add(r.headers().get("event-id")));
        assertEquals(new HashSet<>(ids), new HashSet<>(onKafka), "the answered ids are the events on Kafka");
        assertEquals(3, onKafka.size(), "each once on Kafka: " + onKafka);
        assertEquals(refusedBefore, refused("demo-json"), "nothing refused");
    }

    @Test
    void theSameOtaMessagePushedByEightThreadsAtOnceEmitsOnceAndAnswersEverySuccess() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String body = Samples.otaHotelResNotif().replace("ResID_Value=\"7865\"", "ResID_Value=\"C" + run + "\"");
        long refusedBefore = refused("demo-ota");
        List<Response> answers = atOnce(8, () -> OtaPushTest.postOta("demo-ota", "demo", body));
        Set<String> messageIds = new HashSet<>();
        for (Response answer : answers) {
            assertEquals(200, answer.statusCode(), answer.asString());
            assertTrue(answer.asString().contains("<Success/>"), answer.asString());
            messageIds.add(answer.header("X-Message-Id"));
        }
        assertEquals(1, messageIds.size(), "one message id: " + messageIds);
        String messageId = messageIds.iterator().next();
        assertEquals(2, outboxRows(messageId), "the reservation and its profile, once");
        assertEquals(1, count("select count(*) from inbound_message where message_id = ?::uuid", messageId));
        assertEquals(refusedBefore, refused("demo-ota"), "nothing refused");
        await().atMost(Duration.ofSeconds(60)).until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(),
                messageId).size() >= 1);
        // Every row acknowledged by Kafka and marked sent: nothing of this message is still on its way.
        await().atMost(Duration.ofSeconds(60)).until(() -> unsentOutboxRows(messageId) == 0);
        assertEquals(1, OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), messageId).size(), "once on Kafka");
    }

    /** The intake transactions of one JSON push of {@code body}. */
    private List<TransactionRecordingDriver.Transaction> intakeOf(String body) {
        TransactionRecordingDriver.clear();
        given().contentType("application/json").header("Authorization", "Bearer demo").body(body)
                .when().post(JSON_PATH, "demo-json").then().statusCode(202);
        return intake();
    }

    private static List<TransactionRecordingDriver.Transaction> intake() {
        return TransactionRecordingDriver.committed(t -> t.touches("insert into inbound_message"));
    }

    /** A canonical reservation (a new id) with {@code guests} guests, each its own profile. */
    private static String reservation(int guests) {
        String id = "ST-" + UUID.randomUUID();
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < guests; i++) {
            list.append(i == 0 ? "" : ", ").append("{\"pmsProfileId\": \"").append(id).append("-P").append(i)
                    .append("\", \"firstName\": \"Anna\", \"lastName\": \"Gast\", \"emails\": [\"g").append(i)
                    .append("@example.org\"]}");
        }
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "CONFIRMED",
                 "arrival": "2027-07-01", "departure": "2027-07-04", "guests": [%s]}
                """.formatted(id, list);
    }

    private static List<Response> atOnce(int threads, Callable<Response> push) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return push.call();
                }));
            }
            start.countDown();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private long outboxRows(String messageId) throws Exception {
        return count("select count(*) from outbox_event where correlation_id = ?", messageId);
    }

    private long unsentOutboxRows(String messageId) throws Exception {
        return count("select count(*) from outbox_event where correlation_id = ? and sent_at is null", messageId);
    }

    private long refused(String feedId) throws Exception {
        return count("select count(*) from refused_message where feed_id = ?", feedId);
    }

    private long count(String sql, String parameter) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
