package org.guestcrm.connector.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.platform.api.InvalidRequestException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Watched directories for daily export files (issue 7 mode 5): per feed, {@code connector.export-drops.directories.<feedId>}
 * names the directory its PMS drops its CSV exports in. Every {@code poll-interval} each regular file that has not been
 * modified for {@code settle-time} (hidden files and {@code *.part}/{@code *.tmp} are left alone) is taken by an atomic
 * move into {@code processing/} (so of several replicas watching one share, one takes it), applied exactly like an upload
 * to {@code POST /api/v1/feeds/{feedId}/files} with the file's modification time as {@code exportedAt}, and moved to
 * {@code done/} with {@code <name>.result.json} (what the export did), or to {@code failed/} with {@code <name>.reason.txt}
 * (unreadable CSV, too large, no such feed: the reason names fields, never values). A file that cannot be applied now
 * (the database unavailable) goes back to be tried at the next look. The same file dropped again is recognised by its
 * SHA-256 and does nothing (its result says {@code duplicate: true}). A paused feed's files wait.
 */
@ApplicationScoped
public class ExportDropWatcher {

    private static final Logger LOG = Logger.getLogger(ExportDropWatcher.class);
    /** Looks at which a file that keeps failing for another reason than its content is given up (failed/). */
    static final int MAX_ATTEMPTS = 5;

    private final Map<String, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    ConnectorConfig config;
    @Inject
    ExportApplier exports;
    @Inject
    ObjectMapper json;

    @Scheduled(every = "${connector.export-drops.poll-interval:10s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-export-drops")
    void look() {
        for (Map.Entry<String, String> entry : config.exportDrops().directories().entrySet()) {
            try {
                lookAt(entry.getKey(), Path.of(entry.getValue()));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("Feed %s: the export drop directory could not be read (%s); trying again at the next look.",
                        entry.getKey(), e.getClass().getSimpleName());
            }
        }
    }

    void lookAt(String feedId, Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> ready = new ArrayList<>();
        Instant settledBefore = Instant.now().minus(config.exportDrops().settleTime());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!Files.isRegularFile(file) || name.startsWith(".") || name.endsWith(".part") || name.endsWith(".tmp")) {
                    continue;
                }
                if (Files.getLastModifiedTime(file).toInstant().isAfter(settledBefore)) {
                    continue;
                }
                ready.add(file);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        FeedEntity feed = QuarkusTransaction.requiringNew().call(() -> {
            FeedEntity found = FeedEntity.findById(feedId);
            return found == null || found.deletedAt != null ? null : found;
        });
        if (feed != null && !feed.enabled) {
            return;
        }
        ready.sort(null);
        for (Path file : ready) {
            take(feed, feedId, directory, file);
        }
    }

    private void take(FeedEntity feed, String feedId, Path directory, Path file) throws IOException {
        String name = file.getFileName().toString();
        Path processing = Files.createDirectories(directory.resolve("processing")).resolve(name);
        try {
            Files.move(file, processing, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            return; // another replica took it
        }
        if (feed == null) {
            fail(directory, processing, "no feed " + feedId + " (unknown or deleted)");
            return;
        }
        Instant exportedAt = Files.getLastModifiedTime(processing).toInstant();
        if (Files.size(processing) > ExportFileResource.MAX_EXPORT_BYTES) {
            fail(directory, processing, "larger than " + ExportFileResource.MAX_EXPORT_BYTES + " bytes");
            return;
        }
        byte[] content = Files.readAllBytes(processing);
        ExportFileResource.ExportView view;
        try {
            view = QuarkusTransaction.requiringNew().call(() -> exports.apply(feed, content, exportedAt));
        } catch (InvalidRequestException refused) {
            fail(directory, processing, refused.getMessage() + " " + refused.invalidParams().stream()
                    .map(p -> p.name() + " " + p.reason()).toList());
            return;
        } catch (RuntimeException e) {
            int attempt = attempts.merge(feedId + "/" + name, 1, Integer::sum);
            if (attempt >= MAX_ATTEMPTS) {
                attempts.remove(feedId + "/" + name);
                fail(directory, processing, "could not be applied in " + attempt + " attempts ("
                        + org.guestcrm.platform.intake.Failures.describe(e) + ")");
                return;
            }
            Files.move(processing, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            LOG.warnf("Feed %s: export file %s could not be applied now (%s); it is tried again at the next look.",
                    feedId, name, e.getClass().getSimpleName());
            return;
        }
        attempts.remove(feedId + "/" + name);
        Path done = Files.createDirectories(directory.resolve("done"));
        Path target = free(done, name);
        Files.move(processing, target, StandardCopyOption.ATOMIC_MOVE);
        writeWhole(done.resolve(target.getFileName() + ".result.json"), json.writeValueAsString(view));
        LOG.infof("Feed %s: export file %s applied (export %s%s): %d row(s) read, %d accepted, %d rejected, %d event(s).",
                feedId, name, view.exportId(), view.duplicate() ? ", a duplicate" : "", view.rowsRead(),
                view.rowsAccepted(), view.rowsRejected(), view.eventsEmitted());
    }

    private void fail(Path directory, Path processing, String reason) throws IOException {
        Path failed = Files.createDirectories(directory.resolve("failed"));
        Path target = free(failed, processing.getFileName().toString());
        Files.move(processing, target, StandardCopyOption.ATOMIC_MOVE);
        writeWhole(failed.resolve(target.getFileName() + ".reason.txt"), reason + "\n");
        LOG.warnf("Export file %s moved to %s: %s", target.getFileName(), failed, reason);
    }

    /**
     * Writes {@code text} to a hidden file beside {@code target}, then renames it into place: whoever watches
     * {@code done/} or {@code failed/} (an operator's script, a test) sees the whole file or none of it, never a file
     * still being written (ExportDropTest once read a result.json half written).
     */
    private static void writeWhole(Path target, String text) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code name} in {@code directory}, or {@code name.<n>} when a file of that name is there already. */
    private static Path free(Path directory, String name) {
        Path target = directory.resolve(name);
        for (int n = 1; Files.exists(target); n++) {
            target = directory.resolve(name + "." + n);
        }
        return target;
    }
}
