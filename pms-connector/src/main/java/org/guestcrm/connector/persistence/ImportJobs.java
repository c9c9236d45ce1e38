package org.guestcrm.connector.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Tables {@code import_job}, {@code import_file} (the file in chunks, V23), {@code import_rejection}: history import jobs, persisted so that any
 * replica resumes a job from its last committed line once the lease of the replica running it ran out.
 */
@ApplicationScoped
public class ImportJobs {

    /** A job as stored. */
    public record Job(UUID jobId, String feedId, String tenantId, String format, String state, long totalLines,
                      long lastLine, long rowsRead, long rowsAccepted, long rowsRejected, long rowsUnchanged,
                      long eventsEmitted, String failure, Instant createdAt, Instant startedAt, Instant finishedAt,
                      String sourceFile, Long sourceBytes) {

        /** The job reads its file from the import directory ({@link #sourceFile}), not from {@code import_file}. */
        public boolean fromDirectory() {
            return sourceFile != null;
        }
    }

    /** A rejected row: its line and the field at fault with the reason (never the value). */
    public record Rejection(long line, String field, String reason) {
    }

    /** The counters of one committed batch. */
    public record BatchCounts(long lastLine, long read, long accepted, long rejected, long unchanged, long emitted) {
    }

    private static final String COLUMNS = "job_id, feed_id, tenant_id, format, state, total_lines, last_line, rows_read, "
            + "rows_accepted, rows_rejected, rows_unchanged, events_emitted, failure, created_at, started_at, finished_at, "
            + "source_file, source_bytes";

    @Inject
    EntityManager entityManager;

    @Inject
    DataSource dataSource;

    /**
     * Inserts a job of a file being uploaded; its chunks follow ({@link #appendChunk}) and then its totals
     * ({@link #completeUpload}), all in the caller's transaction, so that no worker sees the job before its whole file.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void startUpload(UUID jobId, String feedId, String tenantId, String createdBy) {
        entityManager.createNativeQuery("""
                        insert into import_job (job_id, feed_id, tenant_id, format, state, file_sha256, total_lines, created_at, created_by)
                        values (:id, :feed, :tenant, 'NDJSON', 'RUNNING', '', 0, :now, :by)""")
                .setParameter("id", jobId).setParameter("feed", feedId).setParameter("tenant", tenantId)
                .setParameter("now", Instant.now()).setParameter("by", createdBy).executeUpdate();
    }

    /**
     * Inserts a job whose file lies in the import directory as {@code sourceFile} ({@code sourceBytes} long, already
     * counted and hashed): it is complete, so a worker may claim it once this commits.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void createFromDirectory(UUID jobId, String feedId, String tenantId, String createdBy, String fileSha256,
                                    long totalLines, String sourceFile, long sourceBytes) {
        entityManager.createNativeQuery("""
                        insert into import_job (job_id, feed_id, tenant_id, format, state, file_sha256, total_lines, created_at,
                                                created_by, source_file, source_bytes)
                        values (:id, :feed, :tenant, 'NDJSON', 'RUNNING', :sha, :total, :now, :by, :file, :bytes)""")
                .setParameter("id", jobId).setParameter("feed", feedId).setParameter("tenant", tenantId)
                .setParameter("sha", fileSha256).setParameter("total", totalLines).setParameter("now", Instant.now())
                .setParameter("by", createdBy).setParameter("file", sourceFile).setParameter("bytes", sourceBytes)
                .executeUpdate();
    }

    /** Chunk {@code seq} (0, 1, ...) of the job's file. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendChunk(UUID jobId, int seq, byte[] content) {
        entityManager.createNativeQuery("insert into import_file (job_id, seq, content) values (:id, :seq, :content)")
                .setParameter("id", jobId).setParameter("seq", seq).setParameter("content", content).executeUpdate();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void completeUpload(UUID jobId, String fileSha256, long totalLines) {
        entityManager.createNativeQuery("update import_job set file_sha256 = :sha, total_lines = :total where job_id = :id")
                .setParameter("sha", fileSha256).setParameter("total", totalLines).setParameter("id", jobId)
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Job> find(UUID jobId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("select " + COLUMNS + " from import_job where job_id = :id")
                .setParameter("id", jobId).getResultList();
        return rows.stream().findFirst().map(ImportJobs::job);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Rejection> rejections(UUID jobId, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                        "select line, field, reason from import_rejection where job_id = :id order by line, field")
                .setParameter("id", jobId).setMaxResults(limit).getResultList();
        return rows.stream().map(r -> new Rejection(((Number) r[0]).longValue(), (String) r[1], (String) r[2])).toList();
    }

    /** Claims the oldest running job nobody holds (or whose holder's lease ran out), for {@code lease}. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Job> claim(String owner, Duration lease) {
        @SuppressWarnings("unchecked")
        List<Object> ids = entityManager.createNativeQuery("""
                        update import_job set lease_owner = :owner, lease_until = :until, started_at = coalesce(started_at, :now)
                        where job_id = (select job_id from import_job
                                        where state = 'RUNNING' and (lease_until is null or lease_until < :now)
                                        order by created_at limit 1 for update skip locked)
                        returning job_id""")
                .setParameter("owner", owner).setParameter("until", Instant.now().plus(lease))
                .setParameter("now", Instant.now()).getResultList();
        return ids.stream().findFirst().flatMap(id -> find((UUID) id));
    }

    /**
     * Chunk {@code seq} of the job's file, read on a connection of its own (no transaction: the worker reads the next
     * chunk while a batch transaction runs); null after the last chunk.
     */
    public byte[] chunk(UUID jobId, int seq) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select content from import_file where job_id = ? and seq = ?")) {
            select.setObject(1, jobId);
            select.setInt(2, seq);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("chunk " + seq + " of import " + jobId + " could not be read", e);
        }
    }

    /**
     * Locks the job for one batch when {@code owner} still holds it at {@code expectedLastLine}, renewing the lease;
     * false when another replica took it over (the batch is then not applied).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean holdForBatch(UUID jobId, String owner, long expectedLastLine, Duration lease) {
        return entityManager.createNativeQuery("""
                        update import_job set lease_until = :until
                        where job_id = :id and lease_owner = :owner and state = 'RUNNING' and last_line = :last""")
                .setParameter("until", Instant.now().plus(lease)).setParameter("id", jobId).setParameter("owner", owner)
                .setParameter("last", expectedLastLine).executeUpdate() == 1;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void commitBatch(UUID jobId, BatchCounts counts, List<Rejection> rejections, int maxRejectionsKept) {
        entityManager.createNativeQuery("""
                        update import_job set last_line = :last, rows_read = rows_read + :read, rows_accepted = rows_accepted + :accepted,
                               rows_rejected = rows_rejected + :rejected, rows_unchanged = rows_unchanged + :unchanged,
                               events_emitted = events_emitted + :emitted
                        where job_id = :id""")
                .setParameter("last", counts.lastLine()).setParameter("read", counts.read())
                .setParameter("accepted", counts.accepted()).setParameter("rejected", counts.rejected())
                .setParameter("unchanged", counts.unchanged()).setParameter("emitted", counts.emitted())
                .setParameter("id", jobId).executeUpdate();
        for (Rejection rejection : rejections) {
            entityManager.createNativeQuery("""
                            insert into import_rejection (job_id, line, field, reason)
                            select :id, :line, :field, :reason
                            where (select count(*) from import_rejection where job_id = :id) < :max
                            on conflict do nothing""")
                    .setParameter("id", jobId).setParameter("line", rejection.line())
                    .setParameter("field", truncate(rejection.field())).setParameter("reason", truncate(rejection.reason()))
                    .setParameter("max", maxRejectionsKept).executeUpdate();
        }
    }

    /**
     * Gives a job back after a failure worth retrying (Kafka did not acknowledge a batch): its cursor stays at the last
     * committed batch, and any replica (this one included) claims it again from there once {@code retryAt} passed.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void release(UUID jobId, String owner, Instant retryAt) {
        entityManager.createNativeQuery("""
                        update import_job set lease_until = :until
                        where job_id = :id and lease_owner = :owner and state = 'RUNNING'""")
                .setParameter("until", retryAt).setParameter("id", jobId).setParameter("owner", owner).executeUpdate();
    }

    /** Ends a job: DONE (its file is dropped) or FAILED with the exception class (never a message that may hold data). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void finish(UUID jobId, String owner, String failure) {
        entityManager.createNativeQuery("""
                        update import_job set state = :state, failure = :failure, finished_at = :now, lease_owner = null,
                               lease_until = null
                        where job_id = :id and lease_owner = :owner and state = 'RUNNING'""")
                .setParameter("state", failure == null ? "DONE" : "FAILED").setParameter("failure", failure)
                .setParameter("now", Instant.now()).setParameter("id", jobId).setParameter("owner", owner).executeUpdate();
        if (failure == null) {
            entityManager.createNativeQuery("delete from import_file where job_id = :id").setParameter("id", jobId)
                    .executeUpdate();
        }
    }

    private static String truncate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300);
    }

    private static Job job(Object[] r) {
        return new Job((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], n(r[5]), n(r[6]), n(r[7]),
                n(r[8]), n(r[9]), n(r[10]), n(r[11]), (String) r[12], instant(r[13]), instant(r[14]), instant(r[15]),
                (String) r[16], r[17] == null ? null : n(r[17]));
    }

    private static long n(Object value) {
        return ((Number) value).longValue();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }
}
