package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** History import end to end: file → job → batches through the outbox → Kafka, idempotent, resumable, tenant-checked. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class HistoryImportTest {

    static final String IMPORTS = "/api/v1/feeds/{feedId}/imports";

    @Inject
    DataSource dataSource;

    static String reservationLine(String id, int sequence) {
        return """
                {"hotelCode": "BERHB", "pmsReservationId": "%s", "status": "CHECKED_OUT", "changeType": "CHECKED_OUT", \
                "arrival": "2019-07-01", "departure": "2019-07-04", "pmsSequence": %d, "pmsModifiedAt": "2019-07-04T11:00:00Z", \
                "totalAmount": {"amount": 399.9, "currency": "EUR"}, \
                "guests": [{"pmsProfileId": "P-%s", "firstName": "Ida", "lastName": "History", "emails": ["ida@example.org"]}]}"""
                .formatted(id, sequence, id);
    }

    static String profileLine(String id) {
        return """
                {"type": "profile", "hotelCode": "BERHB", "pmsModifiedAt": "2018-01-01T00:00:00Z", \
                "profile": {"pmsProfileId": "%s", "firstName": "Kardex", "lastName": "Card", "language": "de"}}""".formatted(id);
    }

    static String post(String feedId, String file) {
        return Staff.admin("demo").contentType(ImportResource.NDJSON).body(file.getBytes(StandardCharsets.UTF_8))
                .when().post(IMPORTS, feedId)
                .then().statusCode(202)
                .header("Location", containsString("/api/v1/imports/"))
                .extract().path("jobId");
    }

    static JsonPath awaitDone(String jobId) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Staff.admin("demo").get("/api/v1/imports/{jobId}", jobId).then().statusCode(200).extract()
                        .jsonPath(), json -> !"RUNNING".equals(json.getString("state")));
    }

    @Test
    void anNdjsonFileIsImportedAsHistoryWithRejectedLinesNamedAndTheSameFileTwiceEmitsNothing() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String file = String.join("\n",
                reservationLine("HI-" + run + "-1", 3),
                reservationLine("HI-" + run + "-2", 1),
                reservationLine("HI-" + run + "-3", 9).replace("\"hotelCode\": \"BERHB\", ", ""),
                "{not json at all",
                "",
                profileLine("K-" + run),
                reservationLine("HI-" + run + "-4", 2).replace("2019-07-04T11", "1789-07-14T11")) + "\n";
        String jobId = post("demo-json", file);
        JsonPath job = awaitDone(jobId);
        assertEquals("DONE", job.getString("state"));
        assertEquals(7, job.getLong("totalLines"));
        assertEquals(6, job.getLong("rowsRead"));
        assertEquals(3, job.getLong("rowsAccepted"));
        assertEquals(3, job.getLong("rowsRejected"));
        assertEquals(5, job.getLong("eventsEmitted"), "2 reservations with their guest + 1 profile");
        List<Map<String, Object>> rejections = job.getList("rejections");
        assertEquals(List.of(3, 4, 7), rejections.stream().map(r -> ((Number) r.get("line")).intValue()).toList());
        assertEquals("hotelCode", rejections.get(0).get("field"));
        assertEquals("pmsModifiedAt", rejections.get(2).get("field"));
        String text = job.prettify();
        assertTrue(!text.contains("1789") && !text.contains("Ida") && !text.contains("not json"), "no values: " + text);
        assertTrue(job.getDouble("rowsPerSecond") > 0);

        String correlation = "import:" + jobId;
        List<DecodedRecord<ReservationChanged>> reservations = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), correlation), l -> l.size() == 2);
        List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_PROFILES.topicName(), correlation), l -> l.size() == 3);
        assertEquals(correlation, reservations.getFirst().value().getMetadata().getCorrelationId(), "marked as history");
        for (DecodedRecord<ReservationChanged> reservation : reservations) {
            assertTrue(reservation.value().getMetadata().getHistory(), "metadata.history");
            assertEquals(org.guestcrm.events.ReservationChangeType.IMPORTED, reservation.value().getChangeType());
            assertEquals(org.guestcrm.events.ReservationStatus.CHECKED_OUT, reservation.value().getStatus(), "state kept");
        }
        for (DecodedRecord<GuestProfileChanged> profile : profiles) {
            assertTrue(profile.value().getMetadata().getHistory(), "metadata.history");
            assertEquals(org.guestcrm.events.ProfileChangeType.IMPORTED, profile.value().getChangeType());
        }
        assertEquals("2019-07-04T11:00:00Z", reservations.getFirst().value().getMetadata().getOccurredAt().toString());
        assertTrue(profiles.stream().anyMatch(p -> p.value().getPmsProfileId().equals("K-" + run)));

        // the same file again: every row is known, nothing is emitted
        JsonPath again = awaitDone(post("demo-json", file));
        assertEquals("DONE", again.getString("state"));
        assertEquals(3, again.getLong("rowsAccepted"));
        assertEquals(3, again.getLong("rowsUnchanged"));
        assertEquals(0, again.getLong("eventsEmitted"));
    }

    @Test
    void anOlderLineOrALineOlderThanAPushNeverOverwritesTheNewerVersion() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String pushed = "HO-" + run + "-P";
        // the connector already holds a newer version of one reservation, pushed live (sequence 7, 2026)
        LogicalDedupTest.postJson(LogicalDedupTest.json(pushed, 7L, "2026-06-01T10:00:00Z", "CONFIRMED", ""))
                .body("eventIds", org.hamcrest.Matchers.hasSize(2));
        String id = "HO-" + run + "-1";
        String file = String.join("\n",
                reservationLine(id, 5),
                // an older version of the same reservation further down the file (sequence 3): nothing emitted
                reservationLine(id, 3).replace("\"status\": \"CHECKED_OUT\", \"changeType\": \"CHECKED_OUT\"",
                        "\"status\": \"CANCELLED\", \"changeType\": \"CANCELLED\""),
                // the history of the pushed reservation, older than what the push delivered
                reservationLine(pushed, 2)) + "\n";
        JsonPath job = awaitDone(post("demo-json", file));
        assertEquals("DONE", job.getString("state"));
        assertEquals(3, job.getLong("rowsAccepted"));
        assertEquals(0, job.getLong("rowsRejected"));
        assertEquals(2, job.getLong("rowsUnchanged"), "the older line and the line older than the push");
        assertEquals(2, job.getLong("eventsEmitted"), "line 1: the reservation and its guest");
        String correlation = "import:" + job.getString("jobId");
        List<DecodedRecord<ReservationChanged>> imported = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), correlation),
                        l -> l.size() == 1);
        assertEquals(id, imported.getFirst().value().getPmsReservationId());
        assertEquals(5L, imported.getFirst().value().getPmsSequence());
        assertEquals(org.guestcrm.events.ReservationStatus.CHECKED_OUT, imported.getFirst().value().getStatus());
    }

    @Test
    void aJobIsResumedAfterItsLastCommittedLineWhenItsWorkerDied() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String file = String.join("\n", reservationLine("HR-" + run + "-1", 1), reservationLine("HR-" + run + "-2", 1),
                reservationLine("HR-" + run + "-3", 1), reservationLine("HR-" + run + "-4", 1)) + "\n";
        UUID jobId = UUID.randomUUID();
        // a replica committed lines 1-2 and died: its lease ran out
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into import_job (job_id, feed_id, tenant_id, format, state, file_sha256, total_lines, last_line,
                                            rows_read, rows_accepted, events_emitted, lease_owner, lease_until, created_at, started_at)
                    values (?, 'demo-json', 'demo', 'NDJSON', 'RUNNING', 'x', 4, 2, 2, 2, 4, 'crashed-replica', ?, ?, ?)""")) {
                insert.setObject(1, jobId);
                insert.setObject(2, java.sql.Timestamp.from(Instant.now().minusSeconds(5)));
                insert.setObject(3, java.sql.Timestamp.from(Instant.now().minusSeconds(70)));
                insert.setObject(4, java.sql.Timestamp.from(Instant.now().minusSeconds(70)));
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into import_file (job_id, content) values (?, ?)")) {
                insert.setObject(1, jobId);
                insert.setBytes(2, file.getBytes(StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
        }
        JsonPath job = awaitDone(jobId.toString());
        assertEquals("DONE", job.getString("state"));
        assertEquals(4, job.getLong("rowsRead"));
        assertEquals(8, job.getLong("eventsEmitted"));
        List<DecodedRecord<ReservationChanged>> reservations = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), "import:" + jobId), l -> l.size() == 2);
        assertEquals(List.of("HR-" + run + "-3", "HR-" + run + "-4"),
                reservations.stream().map(r -> r.value().getPmsReservationId()).sorted().toList(), "lines 3 and 4 only");
    }

    @Test
    void aBatchSentToKafkaButNotCommittedIsSentAgainWithTheSameEventIdsAndNothingIsSkipped() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String file = String.join("\n", reservationLine("HX-" + run + "-1", 1), reservationLine("HX-" + run + "-2", 1),
                reservationLine("HX-" + run + "-3", 1)) + "\n";
        String jobId = post("demo-json", file);
        assertEquals(6, awaitDone(jobId).getLong("eventsEmitted"));
        String correlation = "import:" + jobId;
        List<DecodedRecord<ReservationChanged>> first = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), correlation), l -> l.size() == 3);
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", correlation),
                "sent straight to Kafka, no outbox row");

        // what a replica that died after Kafka acknowledged the batch and before the batch committed leaves behind: the
        // cursor before the batch, the job running, the batch's versions not written
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("""
                    update import_job set state = 'RUNNING', last_line = 0, rows_read = 0, rows_accepted = 0,
                           rows_unchanged = 0, events_emitted = 0, finished_at = null, lease_owner = 'crashed-replica',
                           lease_until = now() - interval '1 second'
                    where job_id = ?""")) {
                update.setObject(1, UUID.fromString(jobId));
                assertEquals(1, update.executeUpdate());
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into import_file (job_id, content) values (?, ?)")) {
                insert.setObject(1, UUID.fromString(jobId));
                insert.setBytes(2, file.getBytes(StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("""
                    delete from aggregate_version where feed_id = 'demo-json'
                      and (aggregate_id like ? or aggregate_id like ?)""")) {
                delete.setString(1, "BERHB:HX-" + run + "-%");
                delete.setString(2, "P-HX-" + run + "-%");
                assertEquals(6, delete.executeUpdate());
            }
        }
        JsonPath resumed = awaitDone(jobId);
        assertEquals("DONE", resumed.getString("state"));
        assertEquals(3, resumed.getLong("rowsAccepted"));
        assertEquals(6, resumed.getLong("eventsEmitted"), "the unacknowledged window is sent again, whole");
        List<DecodedRecord<ReservationChanged>> both = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), correlation), l -> l.size() == 6);
        List<String> firstIds = first.stream().map(r -> r.headers().get("event-id")).sorted().toList();
        List<String> again = both.stream().map(r -> r.headers().get("event-id")).filter(id -> !firstIds.contains(id)
                || both.stream().filter(r -> r.headers().get("event-id").equals(id)).count() != 2).toList();
        assertEquals(List.of(), again, "every record sent again carries the event id it had the first time");
        for (DecodedRecord<ReservationChanged> record : both) {
            assertEquals(record.headers().get("event-id"), record.value().getMetadata().getEventId().toString());
            assertTrue(record.value().getMetadata().getHistory(), "metadata.history");
        }
        // its versions are committed now: the same file once more emits nothing
        JsonPath third = awaitDone(post("demo-json", file));
        assertEquals(3, third.getLong("rowsUnchanged"));
        assertEquals(0, third.getLong("eventsEmitted"));
    }

    long count(String sql, String parameter) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (java.sql.ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void importsNeedAnAdminOfTheFeedsTenant() {
        Staff.admin("other-tenant").contentType(ImportResource.NDJSON).body(profileLine("X").getBytes(StandardCharsets.UTF_8))
                .when().post(IMPORTS, "demo-json").then().statusCode(404);
        Staff.as("demo", "viewer").contentType(ImportResource.NDJSON).body(profileLine("X").getBytes(StandardCharsets.UTF_8))
                .when().post(IMPORTS, "demo-json").then().statusCode(403);
        String jobId = post("demo-json", profileLine("T-" + UUID.randomUUID()));
        Staff.admin("other-tenant").get("/api/v1/imports/{jobId}", jobId).then().statusCode(404)
                .body(not(containsString("demo-json")));
        Staff.admin("demo").get("/api/v1/imports/{jobId}", UUID.randomUUID()).then().statusCode(404);
        awaitDone(jobId);
    }
}
