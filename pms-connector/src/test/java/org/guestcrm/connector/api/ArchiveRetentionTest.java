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
