package org.guestcrm.connector.api;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.connector.messaging.ArchiveRetentionJob;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Bounded retention of the raw archive: the job, triggered directly, deletes inbound and refused messages older than
 * their feed's retention (or the default, 90 days) in chunks, keeps what an outbox row still names, and the feed API
 * shows and validates the retention. Rows are written with their ages straight into the real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ArchiveRetentionTest {

    @Inject
    DataSource dataSource;
    @Inject
    ArchiveRetentionJob job;

    @Test
    void oldArchiveRowsAreDeletedInChunksPerFeedRetentionAndWhatTheOutboxStillNamesIsKept() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "retention-" + run;
        String shortFeed = "ret-short-" + run;
        String defaultFeed = "ret-default-" + run;
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + shortFeed + "\", \"deliveryMode\": \"CANONICAL_JSON\", \"archiveRetentionDays\": 2}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201)
                .body("archiveRetention.days", equalTo(2)).body("archiveRetention.source", equalTo("FEED"));
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + defaultFeed + "\", \"deliveryMode\": \"OTA_XML\"}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201);
        Staff.admin(tenant).get("/api/v1/feeds/{feedId}", defaultFeed).then().statusCode(200)
                .body("archiveRetention.days", equalTo(90)).body("archiveRetention.source", equalTo("DEFAULT"));
        Staff.admin(tenant).contentType("application/json")
                .body("{\"deliveryMode\": \"OTA_XML\", \"archiveRetentionDays\": 0}")
                .put("/api/v1/feeds/{feedId}", defaultFeed).then().statusCode(400)
                .body("invalidParams.name", equalTo(List.of("archiveRetentionDays")));

        List<UUID> expired = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expired.add(inbound(shortFeed, 3));                  // older than the feed's 2 days
        }
        UUID recent = inbound(shortFeed, 1);
        UUID stillInOutbox = inbound(shortFeed, 3);
        outboxRowNaming(stillInOutbox);
        UUID veryOld = inbound(defaultFeed, 100);                // older than the default 90 days
        UUID tenDays = inbound(defaultFeed, 10);
        refused(shortFeed, 3);
        UUID refusedRecently = refused(shortFeed, 1);

        ArchiveRetentionJob.Outcome outcome = job.runOnce(2);

        assertTrue(outcome.inboundDeleted() >= 6, "deleted " + outcome);
        assertTrue(outcome.refusedDeleted() >= 1, "deleted " + outcome);
        assertTrue(outcome.chunks() >= 5, "6 inbound rows in chunks of 2 (3 full, then one short) and the refused: " + outcome);
        assertEquals(List.of(), existing("inbound_message", "message_id", expired));
        assertEquals(List.of(), existing("inbound_message", "message_id", List.of(veryOld)));
        assertEquals(List.of(recent, stillInOutbox, tenDays),
                existing("inbound_message", "message_id", List.of(recent, stillInOutbox, tenDays)));
        assertEquals(List.of(refusedRecently), existingRefused(shortFeed));

        // a second pass keeps what is within its retention
        job.runOnce(2);
        assertEquals(List.of(recent, stillInOutbox, tenDays),
                existing("inbound_message", "message_id", List.of(recent, stillInOutbox, tenDays)));
        assertEquals(List.of(refusedRecently), existingRefused(shortFeed));
    }

    @Test
    void pollAndImportRejectionsFollowTheFeedsRetention() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "retention-" + run;
        String shortFeed = "ret-rej-short-" + run;
        String defaultFeed = "ret-rej-default-" + run;
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + shortFeed + "\", \"deliveryMode\": \"CANONICAL_JSON\", \"archiveRetentionDays\": 2}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201);
        Staff.admin(tenant).contentType("application/json")
                .body("{\"feedId\": \"" + defaultFeed + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=" + tenant).then().statusCode(201);
        for (int i = 0; i < 3; i++) {
            pollRejection(shortFeed, "old", i, 3);                // older than the feed's 2 days
        }
        pollRejection(shortFeed, "recent", 0, 1);
        pollRejection(defaultFeed, "ten-days", 0, 10);            // within the default 90 days
        pollRejection(defaultFeed, "very-old", 0, 100);
        UUID oldJob = importJob(shortFeed, "DONE", 3);
        UUID failedJob = importJob(shortFeed, "FAILED", 5);
        UUID recentJob = importJob(shortFeed, "DONE", 1);
        UUID runningJob = importJob(shortFeed, "RUNNING", 30);    // started long ago, never finished: kept
        UUID defaultJob = importJob(defaultFeed, "DONE", 10);
        for (UUID job : List.of(oldJob, failedJob, recentJob, runningJob, defaultJob)) {
            importRejection(job, 1);
            importRejection(job, 2);
        }

        ArchiveRetentionJob.Outcome outcome = job.runOnce(2);

        assertTrue(outcome.pollRejectionsDeleted() >= 4, "3 of the short feed, 1 very old of the default: " + outcome);
        assertTrue(outcome.importRejectionsDeleted() >= 4, "2 each of the old finished jobs: " + outcome);
        assertEquals(List.of("recent"), pollCursors(shortFeed));
        assertEquals(List.of("ten-days"), pollCursors(defaultFeed));
        assertEquals(0, importRejections(oldJob));
        assertEquals(0, importRejections(failedJob));
        assertEquals(2, importRejections(recentJob));
        assertEquals(2, importRejections(runningJob));
        assertEquals(2, importRejections(defaultJob));
        assertEquals(List.of(oldJob), existing("import_job", "job_id", List.of(oldJob)), "the job and its counts stay");
        job.runOnce(2);
        assertEquals(List.of("recent"), pollCursors(shortFeed));
        assertEquals(2, importRejections(recentJob));
    }

    private void pollRejection(String feedId, String cursor, int index, int daysOld) throws Exception {
        execute("""
                insert into poll_rejection (feed_id, poll_cursor, item_index, pms_reservation_id, fields, rejected_at)
                values (?, ?, ?, 'R-1', 'departure', now() - make_interval(days => ?))""", feedId, cursor, index, daysOld);
    }

    private UUID importJob(String feedId, String state, int daysAgo) throws Exception {
        UUID id = UUID.randomUUID();
        execute("""
                insert into import_job (job_id, feed_id, tenant_id, format, state, file_sha256, total_lines, rows_rejected,
                                        created_at, finished_at)
                values (?, ?, 'retention', 'NDJSON', ?, ?, 2, 2, now() - make_interval(days => ?),
                        case when ? = 'RUNNING' then null else now() - make_interval(days => ?) end)""",
                id, feedId, state, id.toString().replace("-", ""), daysAgo, state, daysAgo);
        return id;
    }

    private void importRejection(UUID jobId, int line) throws Exception {
        execute("insert into import_rejection (job_id, line, field, reason) values (?, ?, 'departure', 'before arrival')",
                jobId, line);
    }

    private List<String> pollCursors(String feedId) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select distinct poll_cursor from poll_rejection where feed_id = ? order by 1")) {
            statement.setString(1, feedId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        }
        return found;
    }

    private long importRejections(UUID jobId) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select count(*) from import_rejection where job_id = ?")) {
            statement.setObject(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private UUID inbound(String feedId, int daysOld) throws Exception {
        UUID id = UUID.randomUUID();
        execute("""
                insert into inbound_message (message_id, feed_id, received_at, body_sha256, message_type, event_count, masked_payload)
                values (?, ?, now() - make_interval(days => ?), ?, 'CanonicalReservation', 0, '{}')""",
                id, feedId, daysOld, id.toString().replace("-", ""));
        return id;
    }

    private void outboxRowNaming(UUID messageId) throws Exception {
        execute("""
                insert into outbox_event (event_id, topic, record_key, event_type, payload, created_at, sent_at, correlation_id)
                values (?, 'pms.reservations', 'retention-test', 'ReservationChanged', '\\x00'::bytea, now(), now(), ?)""",
                UUID.randomUUID(), messageId.toString());
    }

    private UUID refused(String feedId, int daysOld) throws Exception {
        UUID id = UUID.randomUUID();
        execute("""
                insert into refused_message (refused_id, feed_id, received_at, last_refused_at, body_sha256, message_type, reason)
                values (?, ?, now() - make_interval(days => ?), now() - make_interval(days => ?), ?, 'OTA_HotelResNotifRQ', 'test')""",
                id, feedId, daysOld, daysOld, id.toString().replace("-", ""));
        return id;
    }

    private List<UUID> existing(String table, String column, List<UUID> ids) throws Exception {
        List<UUID> found = new ArrayList<>();
        for (UUID id : ids) {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement("select 1 from " + table + " where " + column + " = ?")) {
                statement.setObject(1, id);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        found.add(id);
                    }
                }
            }
        }
        return found;
    }

    private List<UUID> existingRefused(String feedId) throws Exception {
        List<UUID> found = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("select refused_id from refused_message where feed_id = ?")) {
            statement.setString(1, feedId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return found;
    }

    private void execute(String sql, Object... parameters) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
