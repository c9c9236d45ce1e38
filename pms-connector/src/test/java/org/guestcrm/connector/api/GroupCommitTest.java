package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.messaging.PushGroupCommit;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Group commit of the push path through real PostgreSQL and Kafka. To put chosen pushes into one group the test holds
 * the row lock of one reservation: a push of it is the commit in flight, blocked; the pushes sent meanwhile queue
 * ({@link PushGroupCommit#queued}) and, once the lock is released, are recorded by the next commit together.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class GroupCommitTest {

    static final String JSON_PATH = "/api/v1/feeds/{feedId}/reservations";

    @Inject
    DataSource dataSource;

    @Inject
    PushGroupCommit groupCommit;

    @Inject
    MeterRegistry meters;

    private final ExecutorService pushers = Executors.newCachedThreadPool();

    @Test
    void pushesRecordedInOneGroupEmitExactlyTheEventsOfSinglePushes() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bodies.add(reservation("G-" + run + "-" + i, "CONFIRMED", "2027-05-01T10:00:00Z"));
        }
        // the same bodies pushed one after the other, each answered before the next, to a feed of their own
        String single = "single-" + run;
        String token = jsonFeed(single);
        for (String body : bodies) {
            push(single, token, body).then().statusCode(202);
        }

        List<Response> answers = inOneGroup(run, bodies.stream().map(b -> (Pushed) () -> push("demo-json", "demo", b))
                .toList());
        Set<String> messageIds = new HashSet<>();
        for (int i = 0; i < bodies.size(); i++) {
            Response answer = answers.get(i);
            assertEquals(202, answer.statusCode(), answer.asString());
            String sha = OtaPushTest.sha256(bodies.get(i));
            assertEquals(EventIds.messageId("demo-json", sha).toString(), answer.path("messageId"));
            assertEquals(List.of(EventIds.eventId("demo-json", sha, 0).toString(),
                    EventIds.eventId("demo-json", sha, 1).toString()), answer.path("eventIds"),
                    "the events a single push of this body answers");
            messageIds.add(answer.path("messageId"));
        }
        assertEquals(bodies.size(), messageIds.size());
        // what each message emitted equals the single pushes': the same records on Kafka, each once (envelope and
        // feed id aside), the same events counted, the same versions held
        assertEquals(eventCounts(single), eventCounts("demo-json", messageIds));
        assertEquals(heldVersions(single, run), heldVersions("demo-json", run));
        for (String body : bodies) {
            String sha = OtaPushTest.sha256(body);
            String grouped = EventIds.messageId("demo-json", sha).toString();
            String alone = EventIds.messageId(single, sha).toString();
            await().atMost(Duration.ofSeconds(60)).until(() -> unsent(grouped) == 0 && unsent(alone) == 0);
            for (Topic topic : List.of(Topic.PMS_RESERVATIONS, Topic.PMS_PROFILES)) {
                List<String> fromGroup = onKafka(topic, grouped, "demo-json");
                assertEquals(1, fromGroup.size(), "once on " + topic.topicName());
                assertEquals(onKafka(topic, alone, single), fromGroup);
            }
        }
    }

    @Test
    void aMemberTheDatabaseRefusesFailsAloneAndTheOthersAreRecorded() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(reservation((i == 3 ? "POISON-" : "G-") + run + "-" + i, "CONFIRMED", "2027-05-01T10:00:00Z"));
        }
        double retriedBefore = meters.counter("connector.push.group.retried.alone").count();
        execute("""
                create or replace function group_commit_test_refuse() returns trigger language plpgsql as $$
                begin raise exception 'refused by GroupCommitTest' using errcode = '23514'; end $$""");
        execute("create trigger group_commit_test_refuse before insert on outbox_event for each row"
                + " when (new.record_key like '%POISON-" + run + "%') execute function group_commit_test_refuse()");
        try {
            List<Response> answers = inOneGroup(run, bodies.stream()
                    .map(b -> (Pushed) () -> push("demo-json", "demo", b)).toList());
            for (int i = 0; i < bodies.size(); i++) {
                if (i == 3) {
                    assertTrue(answers.get(i).statusCode() >= 500, "the refused member fails: " + answers.get(i).asString());
                } else {
                    assertEquals(202, answers.get(i).statusCode(), answers.get(i).asString());
                    String messageId = answers.get(i).path("messageId");
                    assertEquals(2, count("select count(*) from outbox_event where correlation_id = ?", messageId));
                }
            }
        } finally {
            execute("drop trigger group_commit_test_refuse on outbox_event");
        }
        assertEquals(retriedBefore + 6, meters.counter("connector.push.group.retried.alone").count(),
                "the group of 6 failed and its members were recorded one by one");
        assertEquals(0, count("select count(*) from inbound_message where message_id = ?::uuid",
                EventIds.messageId("demo-json", OtaPushTest.sha256(bodies.get(3))).toString()),
                "nothing of the refused message is stored");
        // the PMS retries it once the cause is gone: recorded
        push("demo-json", "demo", bodies.get(3)).then().statusCode(202);
    }

    @Test
    void twoVersionsOfOneReservationInOneGroupAreDecidedInArrivalOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String id = "ORD-" + run;
        String first = reservation(id, "CONFIRMED", "2027-05-01T10:00:00Z");
        String second = reservation(id, "CANCELLED", "2027-05-01T11:00:00Z");
        // an older version after a newer one of another reservation: stale, skipped, as after a commit of the newer
        String newer = reservation(id + "-B", "CONFIRMED", "2027-05-02T10:00:00Z");
        String older = reservation(id + "-B", "CANCELLED", "2027-05-01T09:00:00Z");
        List<Response> answers = inOneGroup(run, List.of(() -> push("demo-json", "demo", first),
                () -> push("demo-json", "demo", second), () -> push("demo-json", "demo", newer),
                () -> push("demo-json", "demo", older)));
        answers.forEach(a -> assertEquals(202, a.statusCode(), a.asString()));
        assertEquals(2, (int) answers.get(0).path("eventIds.size()"), answers.get(0).asString());
        assertEquals(1, (int) answers.get(1).path("eventIds.size()"), "the guest unchanged: " + answers.get(1).asString());
        assertEquals(List.of("OLDER", "REDELIVERY"), answers.get(3).path("unchanged.reason"), answers.get(3).asString());
        assertEquals(0, (int) answers.get(3).path("eventIds.size()"));

        String firstId = answers.get(0).path("messageId");
        String secondId = answers.get(1).path("messageId");
        assertTrue(outboxId(firstId) < outboxId(secondId), "the first version's row first");
        await().atMost(Duration.ofSeconds(60)).until(() -> unsent(secondId) == 0 && unsent(firstId) == 0);
        List<String> statuses = KafkaTestClients.<ReservationChanged>readDecoded(Topic.PMS_RESERVATIONS.topicName())
                .stream().filter(r -> ("demo:BERHB:" + id).equals(r.key())).map(r -> r.value().getStatus().toString())
                .toList();
        assertEquals(List.of("CONFIRMED", "CANCELLED"), statuses, "on the topic in arrival order, each once");
        assertNotEquals(0, count("select count(*) from aggregate_version where feed_id = 'demo-json'"
                + " and aggregate_id = ? and version_time = '2027-05-01T11:00:00Z'", "BERHB:" + id));
        assertEquals(1, count("select count(*) from aggregate_version where feed_id = 'demo-json'"
                + " and aggregate_id = ? and version_time = '2027-05-02T10:00:00Z'", "BERHB:" + id + "-B"),
                "the newer version stays held");
    }

    /** A push, run on another thread. */
    interface Pushed {
        Response push();
    }

    /**
     * Runs {@code pushes} in order so that they are recorded by one group commit: a push of a blocker reservation
     * whose row this test holds locked is the commit in flight; each push is sent once the one before it is queued;
     * then the lock is released. Answers in order.
     */
    private List<Response> inOneGroup(String run, List<Pushed> pushes) throws Exception {
        String blocker = "BLOCK-" + run;
        push("demo-json", "demo", reservation(blocker, "CONFIRMED", "2027-05-01T10:00:00Z")).then().statusCode(202);
        double groupsBefore = meters.summary("connector.push.group.size").count();
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement select = lock.prepareStatement("select 1 from aggregate_version where feed_id ="
                    + " 'demo-json' and aggregate_type = 'RESERVATION' and aggregate_id = ? for update")) {
                select.setString(1, "BERHB:" + blocker);
                select.executeQuery().close();
            }
            CompletableFuture<Response> blocked = CompletableFuture.supplyAsync(() -> push("demo-json", "demo",
                    reservation(blocker, "CONFIRMED", "2027-05-01T12:00:00Z")), pushers);
            await().atMost(Duration.ofSeconds(30)).until(() -> lockWaiters() > 0); // the blocker's commit is in flight
            for (Pushed push : pushes) {
                int queued = groupCommit.queued();
                answers.add(CompletableFuture.supplyAsync(push::push, pushers));
                await().atMost(Duration.ofSeconds(30)).until(() -> groupCommit.queued() > queued);
            }
            lock.rollback();
            assertEquals(202, blocked.get().statusCode());
        }
        List<Response> responses = new ArrayList<>();
        for (CompletableFuture<Response> answer : answers) {
            responses.add(answer.get());
        }
        assertTrue(meters.summary("connector.push.group.size").max() >= pushes.size(),
                "the pushes were one group of " + pushes.size());
        assertTrue(meters.summary("connector.push.group.size").count() >= groupsBefore + 2);
        return responses;
    }

    private long lockWaiters() throws Exception {
        return count("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock'");
    }

    private static Response push(String feedId, String token, String body) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token).body(body)
                .when().post(JSON_PATH, feedId);
    }

    /** A JSON feed of tenant demo and its bearer token. */
    private static String jsonFeed(String feedId) {
        Staff.admin("demo").contentType("application/json").queryParam("tenant", "demo")
                .body("""
                        {"feedId": "%s", "deliveryMode": "CANONICAL_JSON", "pmsType": "opera", "defaultCurrency": "USD",
                         "hotels": [{"hotelCode": "BERHB", "timeZone": "Europe/Berlin", "countryCode": "DE"}]}"""
                        .formatted(feedId))
                .post("/api/v1/feeds").then().statusCode(201);
        return Staff.admin("demo").contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{id}/credentials", feedId).then().statusCode(201).extract().path("secret");
    }

    private static String reservation(String id, String status, String modifiedAt) {
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "%s", "pmsModifiedAt": "%s",
                 "arrival": "2027-07-01", "departure": "2027-07-04",
                 "guests": [{"pmsProfileId": "%s-P", "firstName": "Anna", "lastName": "Gast", "emails": ["g@example.org"]}]}
                """.formatted(id, status, modifiedAt, id);
    }

    /** Per aggregate of the run on a feed: the version held (time, sequence). */
    private Map<String, String> heldVersions(String feedId, String run) throws Exception {
        Map<String, String> held = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                select aggregate_type || ':' || aggregate_id, version_time || ' ' || coalesce(pms_sequence::text, '-')
                       || ' ' || (content_sha256 is not null)
                from aggregate_version where feed_id = ? and aggregate_id like ? order by 1""")) {
            select.setString(1, feedId);
            select.setString(2, "%G-" + run + "-%");
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    held.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        assertEquals(24, held.size(), "12 reservations and their 12 guests: " + held.keySet());
        return held;
    }

    /** The records of a message on a topic as text, their envelope (ids, source, times) removed and the feed named F. */
    private static List<String> onKafka(Topic topic, String messageId, String feedId) {
        List<String> texts = new ArrayList<>();
        for (KafkaTestClients.DecodedRecord<org.apache.avro.specific.SpecificRecordBase> record
                : OtaPushTest.<org.apache.avro.specific.SpecificRecordBase>recordsOf(topic.topicName(), messageId)) {
            org.apache.avro.specific.SpecificRecordBase copy = org.apache.avro.specific.SpecificData.get()
                    .deepCopy(record.value().getSchema(), record.value());
            copy.put("metadata", null);
            texts.add(record.key().replace(feedId, "F") + " " + copy.toString().replace(feedId, "F"));
        }
        return texts;
    }

    /** Events emitted per body of a feed's inbound messages. */
    private Map<String, Integer> eventCounts(String feedId) throws Exception {
        return eventCounts("select body_sha256, event_count from inbound_message where feed_id = ?", feedId);
    }

    private Map<String, Integer> eventCounts(String feedId, Set<String> messageIds) throws Exception {
        Map<String, Integer> all = eventCounts("select body_sha256, event_count from inbound_message where feed_id = ?",
                feedId);
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "select body_sha256 from inbound_message where message_id = any(?::uuid[])")) {
            select.setArray(1, connection.createArrayOf("uuid", messageIds.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), all.get(rs.getString(1)));
                }
            }
        }
        return new java.util.TreeMap<>(counts);
    }

    private Map<String, Integer> eventCounts(String sql, String feedId) throws Exception {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, feedId);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    private long outboxId(String messageId) throws Exception {
        return count("select min(id) from outbox_event where correlation_id = ? and topic = 'pms.reservations'",
                messageId);
    }

    private long unsent(String messageId) throws Exception {
        return count("select count(*) from outbox_event where correlation_id = ? and sent_at is null", messageId);
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long count(String sql, Object... parameters) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
