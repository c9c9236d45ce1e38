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
 * Runs history imports, one job at a time per replica: claims a running job with a lease, reads its file from the
 * database, and emits it in batches of {@code connector.imports.batch-size} lines, each batch one transaction (outbox
 * rows, versions, counters and the last committed line together). A replica that dies leaves the lease to run out; the
 * next claim resumes after the last committed line, so no line is emitted twice or skipped.
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

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "connector-history-imports")
    void runPendingJobs() {
        Optional<Job> claimed;
        while ((claimed = jobs.claim(owner, config.imports().lease())).isPresent()) {
            run(claimed.get());
        }
    }

    private void run(Job job) {
        LOG.infof("History import %s of feed %s: running from line %d of %d.", job.jobId(), job.feedId(),
                job.lastLine() + 1, job.totalLines());
        try {
            byte[] content = jobs.content(job.jobId());
            FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> FeedEntity.findById(job.feedId()));
            String currency = feed == null ? null : feed.defaultCurrency;
            String defaultCurrency = currency != null ? currency : config.defaultCurrency();
            int position = 0;
            long line = 0;
            // skip what earlier runs committed
            while (line < job.lastLine() && position < content.length) {
                position = nextLineStart(content, position);
                line++;
            }
            long lastLine = job.lastLine();
            int batchSize = config.imports().batchSize();
            // The next batch is read (its lines parsed, validated and mapped side by side) while the current one is
            // written: the parsing overlaps the batch's database round trips. Batches still commit one after another,
            // in line order, each with its last line.
            Batch next = readBatch(job, defaultCurrency, content, position, line, batchSize);
            while (next != null) {
                Batch current = next;
                CompletableFuture<Batch> upcoming = current.end() < content.length
                        ? CompletableFuture.supplyAsync(() -> readBatch(job, defaultCurrency, content, current.end(),
                                current.lastLine(), batchSize))
                        : CompletableFuture.completedFuture(null);
                long expected = lastLine;
                boolean applied = QuarkusTransaction.requiringNew().call(() -> applyBatch(job, expected, current));
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
     * serialised); {@code end}: where the next batch starts.
     */
    record Batch(int lines, int accepted, InboundMessageIntake.StagedRows staged, List<Long> acceptedLines,
                 List<Rejection> rejections, long rejected, int end, long lastLine) {
    }

    /**
     * Up to {@code batchSize} lines (blank ones count, as before) from {@code position}; their parsing runs side by side
     * (a parallel stream keeps the line order). Null when nothing is left.
     */
    private Batch readBatch(Job job, String defaultCurrency, byte[] content, int position, long lineBefore,
                            int batchSize) {
        if (position >= content.length) {
            return null;
        }
        List<int[]> ranges = new ArrayList<>(batchSize);
        List<Long> numbers = new ArrayList<>(batchSize);
        long line = lineBefore;
        int taken = 0;
        while (position < content.length && taken < batchSize) {
            int next = nextLineStart(content, position);
            int end = next;
            while (end > position && (content[end - 1] == '\n' || content[end - 1] == '\r')) {
                end--;
            }
            line++;
            taken++;
            if (end > position) {
                ranges.add(new int[] {position, end});
                numbers.add(line);
            }
            position = next;
        }
        List<HistoryLineParser.Parsed> parsed = java.util.stream.IntStream.range(0, ranges.size()).parallel()
                .mapToObj(i -> parser.parse(numbers.get(i), Arrays.copyOfRange(content, ranges.get(i)[0],
                        ranges.get(i)[1])))
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
        return new Batch(parsed.size(), rows.size(), staged, acceptedLines, rejections, rejected, position, line);
    }

    private boolean applyBatch(Job job, long expectedLastLine, Batch batch) {
        if (!jobs.holdForBatch(job.jobId(), owner, expectedLastLine, config.imports().lease())) {
            return false;
        }
        InboundMessageIntake.HistoryOutcome outcome = intake.recordStagedRows(job.feedId(), batch.staged());
        long unchanged = batch.acceptedLines().stream().filter(l -> !outcome.linesEmitting().contains(l)).count();
        jobs.commitBatch(job.jobId(), new BatchCounts(batch.lastLine(), batch.lines(), batch.accepted(), batch.rejected(),
                unchanged, outcome.eventsEmitted()), batch.rejections(), config.imports().maxRejectionsKept());
        return true;
    }

    private static int nextLineStart(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == '\n') {
                return i + 1;
            }
        }
        return content.length;
    }
}
