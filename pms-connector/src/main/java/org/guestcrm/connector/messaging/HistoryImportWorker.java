package org.guestcrm.connector.messaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.api.HistoryLineParser;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.ImportJobs;
import org.guestcrm.connector.persistence.ImportJobs.BatchCounts;
import org.guestcrm.connector.persistence.ImportJobs.Job;
import org.guestcrm.connector.persistence.ImportJobs.Rejection;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Runs history imports, one job at a time per replica (every second, and at once when an upload committed a job):
 * claims a running job with a lease, reads its file from the database one chunk at a time, and emits it in batches of {@code connector.imports.batch-size} lines, each batch one transaction
 * (versions, counters and the last committed line together). By default ({@code connector.imports.to-kafka}) a
 * batch's records are sent straight to Kafka and acknowledged inside that transaction, before it commits: the file and
 * the cursor are the source of truth, no outbox row is written. A replica that dies leaves the lease to run out; the
 * next claim resumes after the last committed line, so no line is skipped, and at most the one batch that was sent but
 * not committed is sent again, with the same event ids. Kafka not acknowledging a batch rolls it back and gives the
 * job back for a retry after {@link #RETRY_AFTER}.
 */
@ApplicationScoped
public class HistoryImportWorker {

    private static final Logger LOG = Logger.getLogger(HistoryImportWorker.class);

    private final String owner = "worker-" + UUID.randomUUID();

    @Inject
    ImportJobs jobs;

    @Inject
    InboundMessageIntake intake;

    @Inject
    HistoryLineParser parser;

    @Inject
    ConnectorConfig config;

    /** One drain of the running jobs at a time per replica, whether the tick or an upload started it. */
    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "connector-history-imports")
    void runPendingJobs() {
        drain();
    }

    /**
     * Called after an upload committed its job: starts the drain at once instead of at the next tick (a drain already
     * running claims the new job after its current one; one that is just ending leaves it to the tick).
     */
    public void wake() {
        if (!draining.get()) {
            Thread.ofPlatform().daemon().name("history-import-woken").start(this::drain);
        }
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        try {
            Optional<Job> claimed;
            while ((claimed = jobs.claim(owner, config.imports().lease())).isPresent()) {
                run(claimed.get());
            }
        } finally {
            draining.set(false);
        }
    }

    private void run(Job job) {
        LOG.infof("History import %s of feed %s: running from line %d of %d.", job.jobId(), job.feedId(),
                job.lastLine() + 1, job.totalLines());
        FileLines file;
        try {
            file = job.fromDirectory() ? directoryLines(job) : new FileLines(databaseChunks(jobs, job.jobId()));
        } catch (FileChanged e) {
            LOG.errorf("History import %s of feed %s failed: %s", job.jobId(), job.feedId(), e.getMessage());
            jobs.finish(job.jobId(), owner, e.getMessage());
            return;
        }
        try (file) {
            FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> FeedEntity.findById(job.feedId()));
            String currency = feed == null ? null : feed.defaultCurrency;
            String defaultCurrency = currency != null ? currency : config.defaultCurrency();
            long line = 0;
            // skip what earlier runs committed
            while (line < job.lastLine() && file.next() != null) {
                line++;
            }
            long lastLine = job.lastLine();
            int batchSize = config.imports().batchSize();
            // The next batch is read (its lines parsed, validated and mapped side by side) while the current one is
            // written: the parsing overlaps the batch's database round trips. Batches still commit one after another,
            // in line order, each with its last line. The file is read one chunk at a time, by one batch at a time.
            Batch next = readBatch(job, defaultCurrency, file, line, batchSize);
            while (next != null) {
                Batch current = next;
                CompletableFuture<Batch> upcoming = current.more()
                        ? CompletableFuture.supplyAsync(() -> readBatch(job, defaultCurrency, file, current.lastLine(),
                                batchSize))
                        : CompletableFuture.completedFuture(null);
                long expected = lastLine;
                boolean applied;
                try {
                    applied = applyWithRetries(job, expected, current);
                } catch (RuntimeException failure) {
                    HistoryRecordSender.NotAcknowledged e = causeOf(failure, HistoryRecordSender.NotAcknowledged.class);
                    if (e == null) {
                        throw failure;
                    }
                    upcoming.cancel(false);
                    // the batch rolled back: the cursor is still at its first line; resumed from there after a pause
                    LOG.warnf("History import %s of feed %s: Kafka did not acknowledge the batch of lines %d-%d (%s); the"
                                    + " job resumes from line %d in %d s.", job.jobId(), job.feedId(), expected + 1,
                            current.lastLine(), e.getMessage(), expected + 1, RETRY_AFTER.toSeconds());
                    jobs.release(job.jobId(), owner, java.time.Instant.now().plus(RETRY_AFTER));
                    return;
                }
                if (!applied) {
                    upcoming.cancel(false);
                    LOG.infof("History import %s: another worker holds it now; this one stops.", job.jobId());
                    return;
                }
                lastLine = current.lastLine();
                try {
                    next = upcoming.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
                }
            }
            jobs.finish(job.jobId(), owner, null);
            LOG.infof("History import %s of feed %s done.", job.jobId(), job.feedId());
        } catch (RuntimeException e) {
            // the class only: a message may quote a row's data
            LOG.errorf("History import %s of feed %s failed: %s.", job.jobId(), job.feedId(), e.getClass().getName());
            jobs.finish(job.jobId(), owner, e.getClass().getName());
        }
    }

    /**
     * Lines {@code (first line before it)+1 .. lastLine} of the file, parsed, and their events staged (mapped, hashed,
     * serialised); {@code more}: the file may hold lines after them.
     */
    record Batch(int lines, int accepted, InboundMessageIntake.StagedRows staged, List<Long> acceptedLines,
                 List<Rejection> rejections, long rejected, boolean more, long lastLine) {
    }

    /**
     * Up to {@code batchSize} lines (blank ones count, as before) read from {@code file}; their parsing runs side by side
     * (a parallel stream keeps the line order). Null when nothing is left.
     */
    private Batch readBatch(Job job, String defaultCurrency, FileLines file, long lineBefore, int batchSize) {
        List<byte[]> texts = new ArrayList<>(batchSize);
        List<Long> numbers = new ArrayList<>(batchSize);
        long line = lineBefore;
        int taken = 0;
        byte[] text = null;
        while (taken < batchSize && (text = file.next()) != null) {
            line++;
            taken++;
            if (text.length > 0) {
                texts.add(text);
                numbers.add(line);
            }
        }
        if (taken == 0) {
            return null;
        }
        boolean more = text != null;
        List<HistoryLineParser.Parsed> parsed = java.util.stream.IntStream.range(0, texts.size()).parallel()
                .mapToObj(i -> parser.parse(numbers.get(i), texts.get(i)))
                .toList();
        List<InboundMessageIntake.HistoryRow> rows = new ArrayList<>();
        List<Long> acceptedLines = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        long rejected = 0;
        for (int i = 0; i < parsed.size(); i++) {
            HistoryLineParser.Parsed p = parsed.get(i);
            if (p.row() != null) {
                rows.add(p.row());
                acceptedLines.add(p.row().line());
            } else {
                rejected++;
                long number = numbers.get(i);
                p.errors().forEach(error -> rejections.add(new Rejection(number, error.field(), error.message())));
            }
        }
        InboundMessageIntake.StagedRows staged = intake.stageHistory(job.tenantId(), job.feedId(), defaultCurrency,
                job.jobId(), rows);
        return new Batch(parsed.size(), rows.size(), staged, acceptedLines, rejections, rejected, more, line);
    }

    /** Pause before a job whose batch Kafka did not acknowledge is claimed again. */
    static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(5);

    private static final int DECIDE_AGAIN_LIMIT = 5;

    /**
     * The batch in its own transaction; decided again (nothing of it committed) when a concurrent push created one of
     * its aggregates or a deadlock with one chose this transaction.
     */
    private boolean applyWithRetries(Job job, long expected, Batch batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> applyBatch(job, expected, batch));
            } catch (RuntimeException e) {
                if (attempt >= DECIDE_AGAIN_LIMIT
                        || (causeOf(e, InboundMessageIntake.AggregateRace.class) == null && !concurrency(e))) {
                    throw e;
                }
                LOG.infof("History import %s: the batch of lines %d-%d met a concurrent write (%s); decided again.",
                        job.jobId(), expected + 1, batch.lastLine(), e.getClass().getSimpleName());
            }
        }
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A deadlock or serialization failure (SQL state 40P01, 40001) anywhere in the cause chain. */
    private static boolean concurrency(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private boolean applyBatch(Job job, long expectedLastLine, Batch batch) {
        if (!jobs.holdForBatch(job.jobId(), owner, expectedLastLine, config.imports().lease())) {
            return false;
        }
        InboundMessageIntake.HistoryOutcome outcome = config.imports().toKafka()
                ? intake.recordStagedRowsToKafka(job.feedId(), batch.staged())
                : intake.recordStagedRows(job.feedId(), batch.staged());
        long unchanged = batch.acceptedLines().stream().filter(l -> !outcome.linesEmitting().contains(l)).count();
        jobs.commitBatch(job.jobId(), new BatchCounts(batch.lastLine(), batch.lines(), batch.accepted(), batch.rejected(),
                unchanged, outcome.eventsEmitted()), batch.rejections(), config.imports().maxRejectionsKept());
        return true;
    }

    /** The job's file in the import directory is missing, or not the size it had when the job was created. */
    static final class FileChanged extends RuntimeException {
        FileChanged(String message) {
            super(message, null, false, false);
        }
    }

    /** Where a job's bytes come from, a piece at a time: the next piece, or null after the last. */
    interface Chunks extends AutoCloseable {
        byte[] next();

        @Override
        default void close() {
        }
    }

    /** The {@code import_file} rows of an uploaded job, in order. */
    static Chunks databaseChunks(ImportJobs jobs, UUID jobId) {
        int[] seq = {0};
        return () -> jobs.chunk(jobId, seq[0]++);
    }

    /**
     * The job's file in the import directory, read where it lies in 1 MiB pieces; refused (the job fails, naming why)
     * when it is no longer a file of the directory or its size is not the one counted when the job was created.
     */
    private FileLines directoryLines(Job job) {
        String directory = config.imports().directory().orElse("");
        java.nio.file.Path path = directory.isBlank() ? null
                : org.guestcrm.connector.api.ImportDirectory.resolve(java.nio.file.Path.of(directory), job.sourceFile())
                        .orElse(null);
        try {
            if (path == null) {
                throw new FileChanged("the file is no longer in the import directory (connector.imports.directory)");
            }
            if (java.nio.file.Files.size(path) != job.sourceBytes()) {
                throw new FileChanged("the file in the import directory changed size since the job was created");
            }
            java.io.InputStream in = java.nio.file.Files.newInputStream(path);
            return new FileLines(new Chunks() {
                @Override
                public byte[] next() {
                    try {
                        byte[] piece = in.readNBytes(org.guestcrm.connector.api.ImportResource.CHUNK_BYTES);
                        return piece.length == 0 ? null : piece;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                @Override
                public void close() {
                    try {
                        in.close();
                    } catch (java.io.IOException e) {
                        LOG.debugf("History import %s: closing its file failed (%s).", job.jobId(), e.getClass().getSimpleName());
                    }
                }
            });
        } catch (java.io.IOException e) {
            throw new FileChanged("the file in the import directory could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The lines of a job's file, read chunk by chunk ({@code import_file} rows in order, or the file in the import
     * directory): a line is what lies between two line feeds, without its trailing CR/LF characters; a last line
     * without a line feed counts. Used by one thread at a time (batches are read one after another).
     */
    static final class FileLines implements AutoCloseable {
        private final Chunks chunks;
        private byte[] chunk = new byte[0];
        private int position;
        private boolean exhausted;
        private final java.io.ByteArrayOutputStream spanning = new java.io.ByteArrayOutputStream();

        FileLines(Chunks chunks) {
            this.chunks = chunks;
        }

        @Override
        public void close() {
            chunks.close();
        }

        /** The next line, or null after the last. */
        byte[] next() {
            spanning.reset();
            boolean any = false;
            while (true) {
                if (position >= chunk.length) {
                    if (exhausted || !load()) {
                        return any ? strip(spanning.toByteArray()) : null;
                    }
                }
                any = true;
                int from = position;
                int end = from;
                while (end < chunk.length && chunk[end] != '\n') {
                    end++;
                }
                if (end < chunk.length) {
                    position = end + 1;
                    if (spanning.size() == 0) {
                        return strip(Arrays.copyOfRange(chunk, from, end));
                    }
                    spanning.write(chunk, from, end - from);
                    return strip(spanning.toByteArray());
                }
                spanning.write(chunk, from, end - from);
                position = end;
            }
        }

        private boolean load() {
            byte[] loaded = chunks.next();
            if (loaded == null) {
                exhausted = true;
                return false;
            }
            chunk = loaded;
            position = 0;
            return true;
        }

        private static byte[] strip(byte[] line) {
            int end = line.length;
            while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == '\n')) {
                end--;
            }
            return end == line.length ? line : Arrays.copyOf(line, end);
        }
    }
}
