package org.guestcrm.optout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.guestcrm.optout.persistence.PersonalDataRetention;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The personal-data rows this service keeps only for a while, deleted by the retention pass (triggered directly here,
 * as the schedule does) in the real PostgreSQL: what is past its period goes, what is not stays, an erasure's own
 * record stays, and a replica holding the lock makes the pass end without deleting.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class RetentionTest {

    /** optout.retention.personal-data-lock-key's default. */
    private static final long LOCK_KEY = 22324846198408533L;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    PersonalDataRetention retention;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private double deletedCounted(String table) {
        io.micrometer.core.instrument.Counter counter = meters.find("optout.retention.deleted.rows").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void rowsPastTheirPeriodAreDeletedAndTheOthersKept() throws Exception {
        String tenant = "retention-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // Erasure confirmations (30d after use or expiry): used 31 days ago, expired unused 31 days ago: gone; used 29
        // days ago, expired 2 days ago, still open: kept.
        UUID usedLongAgo = confirmation(tenant, now.minus(days(33)), now.minus(days(32)), now.minus(days(31)));
        UUID expiredLongAgo = confirmation(tenant, now.minus(days(32)), now.minus(days(31)), null);
        UUID usedRecently = confirmation(tenant, now.minus(days(30)), now.minus(days(29)), now.minus(days(29)));
        UUID expiredRecently = confirmation(tenant, now.minus(days(3)), now.minus(days(2)), null);
        UUID open = confirmation(tenant, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(23)), null);
        // Mailed links (30d after queued): old ones gone; a recent mail naming a confirmation that goes, goes with it.
        long oldMail = linkMail(tenant, now.minus(days(31)), usedLongAgo);
        long oldPreferencesMail = linkMail(tenant, now.minus(days(40)), null);
        long recentMailOfGoneConfirmation = linkMail(tenant, now.minus(days(5)), expiredLongAgo);
        long recentMail = linkMail(tenant, now.minus(days(29)), usedRecently);
        long openMail = linkMail(tenant, now.minus(Duration.ofHours(1)), open);
        // Address changes (the new address to verify; 30d after use or expiry like the confirmations): used 31 days
        // ago and expired unused 31 days ago gone, with a recent mail naming one; used 29 days ago and still open kept.
        UUID changeUsedLongAgo = emailChange(tenant, now.minus(days(33)), now.minus(days(32)), now.minus(days(31)));
        UUID changeExpiredLongAgo = emailChange(tenant, now.minus(days(32)), now.minus(days(31)), null);
        UUID changeUsedRecently = emailChange(tenant, now.minus(days(30)), now.minus(days(29)), now.minus(days(29)));
        UUID changeOpen = emailChange(tenant, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(23)), null);
        long mailOfGoneChange = emailChangeMail(tenant, now.minus(days(5)), changeExpiredLongAgo);
        long mailOfOpenChange = emailChangeMail(tenant, now.minus(Duration.ofHours(1)), changeOpen);
        double changesCountedBefore = deletedCounted("email_change");
        // Link requests (1d): two days old gone, an hour old kept (it still counts for the rate limit).
        long oldRequest = linkRequest(tenant, now.minus(days(2)));
        long recentRequest = linkRequest(tenant, now.minus(Duration.ofHours(1)));
        // The guests' pages' trail (180d) and their corrections and downloads; an erasure's record stays.
        long oldActivity = activity(tenant, now.minus(days(181)));
        long recentActivity = activity(tenant, now.minus(days(179)));
        UUID oldCorrection = guestRequest(tenant, "CORRECTION", now.minus(days(200)));
        UUID oldDownload = guestRequest(tenant, "DOWNLOAD", now.minus(days(181)));
        UUID oldErasure = guestRequest(tenant, "ERASURE", now.minus(days(400)));
        UUID recentCorrection = guestRequest(tenant, "CORRECTION", now.minus(days(10)));
        // Pauses (30d after they ended): ended 31 days ago gone; ended 29 days ago and still running kept.
        UUID oldPause = pause(tenant, now.minus(days(31)));
        UUID recentPause = pause(tenant, now.minus(days(29)));
        UUID runningPause = pause(tenant, null);

        PersonalDataRetention.Pass pass = retention.runOnce(now);

        assertTrue(pass.complete());
        assertFalse(exists("erasure_confirmation", usedLongAgo));
        assertFalse(exists("erasure_confirmation", expiredLongAgo));
        assertTrue(exists("erasure_confirmation", usedRecently));
        assertTrue(exists("erasure_confirmation", expiredRecently));
        assertTrue(exists("erasure_confirmation", open));
        assertFalse(exists("preference_link_mail", oldMail));
        assertFalse(exists("preference_link_mail", oldPreferencesMail));
        assertFalse(exists("preference_link_mail", recentMailOfGoneConfirmation));
        assertTrue(exists("preference_link_mail", recentMail));
        assertTrue(exists("preference_link_mail", openMail));
        assertFalse(exists("email_change", changeUsedLongAgo));
        assertFalse(exists("email_change", changeExpiredLongAgo));
        assertTrue(exists("email_change", changeUsedRecently));
        assertTrue(exists("email_change", changeOpen));
        assertFalse(exists("preference_link_mail", mailOfGoneChange), "a mail naming an address change that goes, goes with it");
        assertTrue(exists("preference_link_mail", mailOfOpenChange));
        assertTrue(pass.deleted().get("email_change") >= 2, pass.toString());
        assertEquals(pass.deleted().get("email_change"), deletedCounted("email_change") - changesCountedBefore, 0.0,
                "the metric optout_retention_deleted_rows_total{table=email_change} counts what the pass deleted");
        assertFalse(exists("link_request", oldRequest));
        assertTrue(exists("link_request", recentRequest));
        assertFalse(exists("guest_activity", oldActivity));
        assertTrue(exists("guest_activity", recentActivity));
        assertFalse(exists("guest_request", oldCorrection));
        assertFalse(exists("guest_request", oldDownload));
        assertTrue(exists("guest_request", oldErasure), "an erasure's record is kept: it proves the erasure and stops a replay");
        assertTrue(exists("guest_request", recentCorrection));
        assertFalse(exists("marketing_pause", oldPause));
        assertTrue(exists("marketing_pause", recentPause));
        assertTrue(exists("marketing_pause", runningPause));
        // At least this tenant's rows (the shared database may hold other tests' old rows too).
        assertTrue(pass.deleted().get("erasure_confirmation") >= 2, pass.toString());
        assertTrue(pass.deleted().get("preference_link_mail") >= 3, pass.toString());
        assertTrue(pass.deleted().get("guest_request") >= 2, pass.toString());
        assertEquals(List.of(usedRecently, expiredRecently, open), remaining(tenant));

        // A second pass finds nothing more of this tenant's.
        assertTrue(retention.runOnce(now).complete());
        assertEquals(3, count("select count(*) from erasure_confirmation where tenant = ?", tenant));
        assertEquals(3, count("select count(*) from preference_link_mail where tenant = ?", tenant));
        assertEquals(2, count("select count(*) from email_change where tenant = ?", tenant));
    }

    @Test
    void aPassEndsWithoutDeletingWhileAnotherReplicaHoldsTheLock() throws Exception {
        String tenant = "retention-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long oldRequest = linkRequest(tenant, now.minus(days(2)));
        try (Connection other = dataSource.getConnection();
                PreparedStatement lock = other.prepareStatement("select pg_advisory_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            lock.execute();
            try {
                PersonalDataRetention.Pass pass = retention.runOnce(now);
                assertFalse(pass.complete());
                assertEquals(0, pass.total());
                assertTrue(exists("link_request", oldRequest));
            } finally {
                try (PreparedStatement unlock = other.prepareStatement("select pg_advisory_unlock(?)")) {
                    unlock.setLong(1, LOCK_KEY);
                    unlock.execute();
                }
            }
        }
        assertTrue(retention.runOnce(now).complete());
        assertFalse(exists("link_request", oldRequest));
    }

    private static Duration days(int n) {
        return Duration.ofDays(n);
    }

    private UUID confirmation(String tenant, Instant requestedAt, Instant expiresAt, Instant usedAt) throws Exception {
        UUID id = UUID.randomUUID();
        update("insert into erasure_confirmation (id, tenant, ref, lang, requested_at, expires_at, used_at) values (?, ?, ?, 'en', ?, ?, ?)",
                id, tenant, "cp1_" + id.toString().substring(0, 8), ts(requestedAt), ts(expiresAt), ts(usedAt));
        return id;
    }

    private long linkMail(String tenant, Instant createdAt, UUID confirmation) throws Exception {
        return insertReturningId("insert into preference_link_mail (tenant, ref, lang, created_at, sent_at, outcome, kind, confirmation_id)"
                + " values (?, 'cp1_x', 'en', ?, ?, 'SENT', ?, ?) returning id", tenant, ts(createdAt), ts(createdAt),
                confirmation == null ? "PREFERENCES" : "ERASURE", confirmation);
    }

    private UUID emailChange(String tenant, Instant requestedAt, Instant expiresAt, Instant usedAt) throws Exception {
        UUID id = UUID.randomUUID();
        update("insert into email_change (id, tenant, ref, new_value, lang, requested_at, expires_at, used_at)"
                + " values (?, ?, ?, ?, 'en', ?, ?, ?)", id, tenant, "cp1_" + id.toString().substring(0, 8),
                "new-" + id + "@example.com", ts(requestedAt), ts(expiresAt), ts(usedAt));
        return id;
    }

    private long emailChangeMail(String tenant, Instant createdAt, UUID change) throws Exception {
        return insertReturningId("insert into preference_link_mail (tenant, ref, lang, created_at, sent_at, outcome, kind, email_change_id)"
                + " values (?, 'cp1_x', 'en', ?, ?, 'SENT', 'EMAIL_CHANGE', ?) returning id", tenant, ts(createdAt), ts(createdAt), change);
    }

    private long linkRequest(String tenant, Instant at) throws Exception {
        return insertReturningId("insert into link_request (tenant, address_hash, client_hash, requested_at) values (?, 'a', 'c', ?)"
                + " returning id", tenant, ts(at));
    }

    private long activity(String tenant, Instant at) throws Exception {
        return insertReturningId("insert into guest_activity (occurred_at, tenant, subject, action, source_address, user_agent, outcome)"
                + " values (?, ?, 'cp1_x', 'view', '192.0.2.1', 'Test browser', 200) returning id", ts(at), tenant);
    }

    private UUID guestRequest(String tenant, String kind, Instant at) throws Exception {
        UUID id = UUID.randomUUID();
        update("insert into guest_request (id, tenant, subject, kind, status, requested_at) values (?, ?, 'cp1_x', ?, 'DONE', ?)",
                id, tenant, kind, ts(at));
        return id;
    }

    private UUID pause(String tenant, Instant resumedAt) throws Exception {
        UUID entry = UUID.randomUUID();
        Instant created = Instant.now().minus(days(200));
        update("insert into consent_entry (id, tenant, contact_point, channel, purpose, status, source, effective_at, evidence,"
                + " recorded_at) values (?, ?, 'anna@example.com', 'EMAIL', 'MARKETING', 'WITHDRAWN', 'PREFERENCE_CENTRE', ?, 'test', ?)",
                entry, tenant, ts(created), ts(created));
        UUID id = UUID.randomUUID();
        update("insert into marketing_pause (id, tenant, contact_point, channel, purpose, entry_id, resume_at, created_at, resumed_at,"
                + " outcome) values (?, ?, 'anna@example.com', 'EMAIL', 'MARKETING', ?, ?, ?, ?, ?)", id, tenant, entry,
                ts(resumedAt == null ? Instant.now().plus(days(30)) : resumedAt), ts(created), ts(resumedAt),
                resumedAt == null ? null : "RESUMED");
        return id;
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private boolean exists(String table, Object id) throws Exception {
        return count("select count(*) from " + table + " where id = ?", id) == 1;
    }

    private List<UUID> remaining(String tenant) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select id from erasure_confirmation where tenant = ? order by requested_at")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private long count(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = bind(c.prepareStatement(sql), args);
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private void update(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = bind(c.prepareStatement(sql), args)) {
            s.executeUpdate();
        }
    }

    private long insertReturningId(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = bind(c.prepareStatement(sql), args);
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static PreparedStatement bind(PreparedStatement s, Object... args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }
}
