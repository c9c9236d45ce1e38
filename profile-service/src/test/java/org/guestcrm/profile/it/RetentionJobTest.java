package org.guestcrm.profile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import org.guestcrm.platform.retention.RetentionJob;
import org.guestcrm.profile.config.ProfileConfig;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * service-platform's retention job against the service's real PostgreSQL tables: one pass deletes exactly the outbox
 * rows sent longer ago than 7 days and the processed events older than 30 days, in several batches, and never an
 * unsent row however old.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class RetentionJobTest {

    /** More than one batch (profile.retention.batch-size = 1000). */
    private static final int OLD_SENT_ROWS = 2_345;

    @Inject
    RetentionJob retention;
    @Inject
    DataSource dataSource;
    @Inject
    ProfileConfig config;
    @Inject
    MeterRegistry meters;

    @Test
    void onePassDeletesOnlySentOutboxRowsAndProcessedEventsPastTheirRetention() throws SQLException {
        Instant now = Instant.now();
        String marker = "retention-test-" + UUID.randomUUID();
        UUID recentSent = UUID.randomUUID();
        UUID oldUnsent = UUID.randomUUID();
        UUID justInsideSent = UUID.randomUUID();
        UUID oldProcessed = UUID.randomUUID();
        UUID recentProcessed = UUID.randomUUID();
        UUID justInsideProcessed = UUID.randomUUID();
        double outboxCountedBefore = deletedRowsCounted("outbox_event");
        double processedCountedBefore = deletedRowsCounted("processed_event");

        // A session-level hold on the relay's lock keeps the relay away from the old unsent row (whose payload is
        // not a record), so it really is unsent when the retention pass runs.
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            execute(connection, "select pg_advisory_lock(?)", config.outbox().lockKey());
            try {
                try (PreparedStatement insert = connection.prepareStatement("""
                        insert into outbox_event (event_id, event_type, topic, record_key, payload, created_at, sent_at)
                        select gen_random_uuid(), 'GuestUpdated', 'crm.guests', ?, '\\x00'::bytea, ?, ?
                        from generate_series(1, ?)""")) {
                    insert.setString(1, marker);
                    insert.setTimestamp(2, Timestamp.from(now.minus(Duration.ofDays(40))));
                    insert.setTimestamp(3, Timestamp.from(now.minus(Duration.ofDays(8))));
                    insert.setInt(4, OLD_SENT_ROWS);
                    insert.executeUpdate();
                }
                insertOutbox(connection, recentSent, marker, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
                insertOutbox(connection, justInsideSent, marker, now.minus(Duration.ofDays(7)),
                        now.minus(Duration.ofDays(7)).plus(Duration.ofMinutes(10)));
                insertOutbox(connection, oldUnsent, marker, now.minus(Duration.ofDays(90)), null);
                insertProcessed(connection, oldProcessed, now.minus(Duration.ofDays(31)));
                insertProcessed(connection, justInsideProcessed, now.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(10)));
                insertProcessed(connection, recentProcessed, now.minus(Duration.ofHours(1)));

                RetentionJob.Pass pass = retention.runOnce(now);

                assertTrue(pass.complete(), "no other replica holds the retention lock");
                assertEquals(OLD_SENT_ROWS, pass.sentOutboxRowsDeleted());
                assertEquals(1, pass.processedEventsDeleted());
                assertEquals(3, count(connection, "select count(*) from outbox_event where record_key = ?", marker),
                        "of the test's outbox rows only the recent sent, the just-inside and the unsent one stay");
                assertTrue(exists(connection, "outbox_event", oldUnsent), "an unsent row is never deleted");
                assertTrue(exists(connection, "outbox_event", recentSent));
                assertTrue(exists(connection, "outbox_event", justInsideSent));
                assertFalse(exists(connection, "processed_event", oldProcessed));
                assertTrue(exists(connection, "processed_event", justInsideProcessed));
                assertTrue(exists(connection, "processed_event", recentProcessed));
                assertEquals(OLD_SENT_ROWS, deletedRowsCounted("outbox_event") - outboxCountedBefore);
                assertEquals(1, deletedRowsCounted("processed_event") - processedCountedBefore);

                RetentionJob.Pass again = retention.runOnce(now);
                assertEquals(new RetentionJob.Pass(0, 0, true), again, "a second pass finds nothing left to delete");
            } finally {
                // The unsent row is no record: it must never reach the relay.
                execute(connection, "delete from outbox_event where record_key = ?", marker);
                execute(connection, "select pg_advisory_unlock(?)", config.outbox().lockKey());
            }
        }
    }

    private double deletedRowsCounted(String table) {
        return meters.counter("guestcrm.retention.deleted.rows", "table", table).count();
    }

    private static void insertOutbox(Connection connection, UUID eventId, String key, Instant createdAt, Instant sentAt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into outbox_event (event_id, event_type, topic, record_key, payload, created_at, sent_at)
                values (?, 'GuestUpdated', 'crm.guests', ?, '\\x00'::bytea, ?, ?)""")) {
            insert.setObject(1, eventId);
            insert.setString(2, key);
            insert.setTimestamp(3, Timestamp.from(createdAt));
            insert.setTimestamp(4, sentAt == null ? null : Timestamp.from(sentAt));
            insert.executeUpdate();
        }
    }

    private static void insertProcessed(Connection connection, UUID eventId, Instant processedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into processed_event (consumer, event_id, processed_at) values ('retention-test', ?, ?)")) {
            insert.setObject(1, eventId);
            insert.setTimestamp(2, Timestamp.from(processedAt));
            insert.executeUpdate();
        }
    }

    private static boolean exists(Connection connection, String table, UUID eventId) throws SQLException {
        return count(connection, "select count(*) from " + table + " where event_id = ?", eventId) == 1;
    }

    private static long count(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setObject(1, parameter);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static void execute(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.execute();
        }
    }
}
