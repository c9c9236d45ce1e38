package org.guestcrm.connector.persistence;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

/** Tables {@code export_mapping}, {@code export_file}, {@code export_presence} (V15): daily export files of a feed. */
@ApplicationScoped
public class ExportStore {

    /** A rejected line of an export: line number, field and reason, never the value. */
    public record Rejection(long line, String field, String reason) {
    }

    /** One received export and what it did. */
    public record ExportRecord(UUID exportId, String feedId, Instant receivedAt, Instant exportedAt, LocalDate windowStart,
                               int rowsRead, int rowsAccepted, int rowsRejected, int rowsUnchanged, int eventsEmitted,
                               int missingFromExport, int settled, String rejectionsJson) {
    }

    /** A reservation the connector marked missing from the export, not settled yet. */
    public record Unsettled(String reservation, Instant missingSince) {
    }

    @Inject
    EntityManager entityManager;

    @Transactional(Transactional.TxType.MANDATORY)
    public void lockFeed(String feedId) {
        entityManager.createNativeQuery("select feed_id from feed where feed_id = :feed for update")
                .setParameter("feed", feedId).getResultList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> mapping(String feedId) {
        @SuppressWarnings("unchecked")
        List<String> rows = entityManager.createNativeQuery("select mapping from export_mapping where feed_id = :feed", String.class)
                .setParameter("feed", feedId).getResultList();
        return rows.stream().findFirst();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void saveMapping(String feedId, String mappingJson) {
        entityManager.createNativeQuery("""
                        insert into export_mapping (feed_id, mapping, updated_at) values (:feed, :mapping, now())
                        on conflict (feed_id) do update set mapping = excluded.mapping, updated_at = now()""")
                .setParameter("feed", feedId).setParameter("mapping", mappingJson).executeUpdate();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ExportRecord> bySha(String feedId, String sha256) {
        return records("where feed_id = :feed and body_sha256 = :sha", feedId, sha256, 1).stream().findFirst();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ExportRecord> recent(String feedId, int max) {
        return records("where feed_id = :feed", feedId, null, max);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Instant> latestExportedAt(String feedId) {
        @SuppressWarnings("unchecked")
        List<Object> rows = entityManager.createNativeQuery("select max(exported_at) from export_file where feed_id = :feed")
                .setParameter("feed", feedId).getResultList();
        return rows.stream().filter(t -> t != null).findFirst().map(ExportStore::instant);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(ExportRecord r, String sha256) {
        entityManager.createNativeQuery("""
                        insert into export_file (export_id, feed_id, body_sha256, received_at, exported_at, window_start,
                            rows_read, rows_accepted, rows_rejected, rows_unchanged, events_emitted, missing_emitted, settled, rejections)
                        values (:id, :feed, :sha, :received, :exported, :window, :read, :accepted, :rejected, :unchanged,
                            :events, :missing, :settled, :rejections)""")
                .setParameter("id", r.exportId()).setParameter("feed", r.feedId()).setParameter("sha", sha256)
                .setParameter("received", r.receivedAt()).setParameter("exported", r.exportedAt())
                .setParameter("window", r.windowStart()).setParameter("read", r.rowsRead())
                .setParameter("accepted", r.rowsAccepted()).setParameter("rejected", r.rowsRejected())
                .setParameter("unchanged", r.rowsUnchanged()).setParameter("events", r.eventsEmitted())
                .setParameter("missing", r.missingFromExport()).setParameter("settled", r.settled())
                .setParameter("rejections", r.rejectionsJson()).executeUpdate();
    }

    /** Records that this export lists these reservations; answers how many of them were missing before (now settled). */
    @Transactional(Transactional.TxType.MANDATORY)
    public int markPresent(String feedId, UUID exportId, Collection<String> aggregateIds) {
        if (aggregateIds.isEmpty()) {
            return 0;
        }
        String[] ids = new java.util.TreeSet<>(aggregateIds).toArray(String[]::new);
        int[] settled = new int[1];
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array array = connection.createArrayOf("varchar", ids);
            try (PreparedStatement count = connection.prepareStatement("""
                    select count(*) from export_presence
                    where feed_id = ? and missing_since is not null and aggregate_id = any(?)""")) {
                count.setString(1, feedId);
                count.setArray(2, array);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    settled[0] = rs.getInt(1);
                }
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into export_presence (feed_id, aggregate_id, last_export_id, missing_since)
                    select ?, i, ?, null from unnest(?::varchar[]) as u(i)
                    on conflict (feed_id, aggregate_id) do update set last_export_id = excluded.last_export_id, missing_since = null""")) {
                upsert.setString(1, feedId);
                upsert.setObject(2, exportId);
                upsert.setArray(3, array);
                upsert.executeUpdate();
            }
        });
        return settled[0];
    }

    /** Reservations an earlier export listed that this one does not, not yet marked missing. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> absentFrom(String feedId, UUID exportId) {
        @SuppressWarnings("unchecked")
        List<String> ids = entityManager.createNativeQuery("""
                        select aggregate_id from export_presence
                        where feed_id = :feed and last_export_id <> :export and missing_since is null
                        order by aggregate_id""", String.class)
                .setParameter("feed", feedId).setParameter("export", exportId).getResultList();
        return ids;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void markMissing(String feedId, Collection<String> aggregateIds, Instant since) {
        byIds("update export_presence set missing_since = ? where feed_id = ? and aggregate_id = any(?)", feedId,
                aggregateIds, since);
    }

    /** Reservations that left the window (arrival before it) or settled otherwise: no longer followed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String feedId, Collection<String> aggregateIds) {
        byIds("delete from export_presence where feed_id = ? and aggregate_id = any(?)", feedId, aggregateIds, null);
    }

    private void byIds(String sql, String feedId, Collection<String> aggregateIds, Instant since) {
        if (aggregateIds.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int n = 1;
                if (since != null) {
                    statement.setTimestamp(n++, Timestamp.from(since));
                }
                statement.setString(n++, feedId);
                statement.setArray(n, connection.createArrayOf("varchar", aggregateIds.toArray(String[]::new)));
                statement.executeUpdate();
            }
        });
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public long unsettledCount(String feedId) {
        return ((Number) entityManager.createNativeQuery(
                        "select count(*) from export_presence where feed_id = :feed and missing_since is not null")
                .setParameter("feed", feedId).getSingleResult()).longValue();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Unsettled> unsettled(String feedId, int max) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select aggregate_id, missing_since from export_presence
                        where feed_id = :feed and missing_since is not null order by missing_since, aggregate_id""")
                .setParameter("feed", feedId).setMaxResults(max).getResultList();
        return rows.stream().map(r -> new Unsettled((String) r[0], instant(r[1]))).toList();
    }

    private List<ExportRecord> records(String where, String feedId, String sha, int max) {
        var query = entityManager.createNativeQuery("""
                select export_id, feed_id, received_at, exported_at, window_start, rows_read, rows_accepted, rows_rejected,
                       rows_unchanged, events_emitted, missing_emitted, settled, rejections
                from export_file""" + " " + where + " order by exported_at desc, received_at desc")
                .setParameter("feed", feedId).setMaxResults(max);
        if (sha != null) {
            query.setParameter("sha", sha);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(r -> new ExportRecord((UUID) r[0], (String) r[1], instant(r[2]), instant(r[3]),
                r[4] instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) r[4], ((Number) r[5]).intValue(),
                ((Number) r[6]).intValue(), ((Number) r[7]).intValue(), ((Number) r[8]).intValue(),
                ((Number) r[9]).intValue(), ((Number) r[10]).intValue(), ((Number) r[11]).intValue(), (String) r[12])).toList();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return (Instant) value;
    }
}
