package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * History import from the import directory ({@code connector.imports.directory}, here target/import-directory-test; its file
 * limit {@code connector.imports.max-file-bytes} 64 KiB): a file an admin placed there is imported where it lies, with
 * the upload's lines, events and idempotence, nothing of it copied into {@code import_file}; a name that is not a file
 * of the directory is a 400 naming {@code file}, a file over the limit a 413 naming the limit, neither creating a job;
 * a job whose worker died resumes after its last committed line, and a file that changed since fails the job.
 */
@QuarkusTest
@TestProfile(ImportFromDirectoryTest.ImportDirectoryProfile.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ImportFromDirectoryTest {

    static final int LIMIT = 65_536;
    /**
     * A fixed path: this class is loaded by the test's and by Quarkus' class loaders, so a random temporary directory
     * would be another one for the profile than for the test.
     */
    static final Path DIRECTORY = Path.of("target", "import-directory-test").toAbsolutePath();

    static {
        try {
            Files.createDirectories(DIRECTORY);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class ImportDirectoryProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connector.imports.directory", DIRECTORY.toString(),
                    "connector.imports.max-file-bytes", String.valueOf(LIMIT));
        }
    }

    static final String PATH = "/api/v1/feeds/{feedId}/imports/from-directory";

    @Inject
    DataSource dataSource;

    @Test
    void aFileOfTheDirectoryIsImportedWhereItLiesAndTheSameFileTwiceEmitsNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(DIRECTORY.resolve("kardex"));
        String name = "kardex/history-" + run + ".ndjson";
        // CRLF and LF mixed, the last line without a line feed
        String text = HistoryImportTest.reservationLine("HD-" + run + "-1", 1) + "\r\n"
                + HistoryImportTest.profileLine("KD-" + run) + "\n"
                + HistoryImportTest.reservationLine("HD-" + run + "-3", 1).replace("\"hotelCode\": \"BERHB\", ", "") + "\n"
                + HistoryImportTest.reservationLine("HD-" + run + "-4", 1);
        Files.writeString(DIRECTORY.resolve(name), text, StandardCharsets.UTF_8);
        long chunks = ImportUploads.count(dataSource, "select count(*) from import_file");

        String jobId = Staff.admin("demo").contentType("application/json").body("{\"file\": \"" + name + "\"}")
                .post(PATH, "demo-json").then().statusCode(202)
                .header("Location", containsString("/api/v1/imports/"))
                .body("totalLines", equalTo(4)).body("sourceFile", equalTo(name))
                .extract().path("jobId");
        JsonPath job = HistoryImportTest.awaitDone(jobId);
        assertEquals("DONE", job.getString("state"));
        assertEquals(4, job.getLong("rowsRead"));
        assertEquals(3, job.getLong("rowsAccepted"));
        assertEquals(1, job.getLong("rowsRejected"));
        assertEquals(List.of(3), job.getList("rejections.line", Integer.class));
        assertEquals("hotelCode", job.getString("rejections[0].field"));
        assertEquals(5, job.getLong("eventsEmitted"), "2 reservations with their guest + 1 profile");
        String correlation = "import:" + jobId;
        List<DecodedRecord<ReservationChanged>> reservations = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(), correlation),
                        l -> l.size() == 2);
        assertEquals(List.of("HD-" + run + "-1", "HD-" + run + "-4"),
                reservations.stream().map(r -> r.value().getPmsReservationId()).sorted().toList());
        assertTrue(reservations.stream().allMatch(r -> r.value().getMetadata().getHistory()), "marked as history");
        List<DecodedRecord<GuestProfileChanged>> profiles = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<GuestProfileChanged>recordsOf(Topic.PMS_PROFILES.topicName(), correlation),
                        l -> l.size() == 3);
        assertTrue(profiles.stream().anyMatch(p -> p.value().getPmsProfileId().equals("KD-" + run)));
        assertEquals(chunks, ImportUploads.count(dataSource, "select count(*) from import_file"),
                "nothing of the file copied into the database");

        JsonPath again = HistoryImportTest.awaitDone(Staff.admin("demo").contentType("application/json")
                .body("{\"file\": \"" + name + "\"}").post(PATH, "demo-json").then().statusCode(202)
                .extract().path("jobId"));
        assertEquals("DONE", again.getString("state"));
        assertEquals(3, again.getLong("rowsUnchanged"));
        assertEquals(0, again.getLong("eventsEmitted"));
        assertTrue(Files.exists(DIRECTORY.resolve(name)), "the admin's file is left where it lies");
    }

    @Test
    void whatIsNotAFileOfTheDirectoryIs400NamingFileAndAFileOverTheLimitIs413() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // beside the directory, so that "../<name>" names a file that exists
        Path outside = DIRECTORY.getParent().resolve("outside-" + run + ".ndjson");
        Files.writeString(outside, HistoryImportTest.reservationLine("HX-" + run, 1) + "\n");
        Path link = DIRECTORY.resolve("link-" + run + ".ndjson");
        Files.createSymbolicLink(link, outside);
        Files.createDirectories(DIRECTORY.resolve("folder-" + run));
        long jobs = ImportUploads.count(dataSource, "select count(*) from import_job");
        String up = "../" + outside.getFileName();
        for (String body : List.of("{\"file\": \"" + up + "\"}", "{\"file\": \"" + outside + "\"}",
                "{\"file\": \"missing-" + run + ".ndjson\"}", "{\"file\": \"\"}", "{}",
                "{\"file\": \"" + link.getFileName() + "\"}", "{\"file\": \"folder-" + run + "\"}")) {
            Staff.admin("demo").contentType("application/json").body(body).post(PATH, "demo-json")
                    .then().statusCode(400).contentType(containsString("application/problem+json"))
                    .body("errors.field", hasItem("file"))
                    .body(not(containsString(outside.getFileName().toString()))).body(not(containsString(run)));
        }
        // another tenant's admin does not see the feed
        Staff.admin("other-tenant").contentType("application/json").body("{\"file\": \"x.ndjson\"}")
                .post(PATH, "demo-json").then().statusCode(404);

        // one byte over the limit: 413 naming it, no job; exactly the limit: taken
        byte[] line = new byte[64];
        java.util.Arrays.fill(line, (byte) ' ');
        line[63] = '\n';
        Path over = DIRECTORY.resolve("over-" + run + ".ndjson");
        Path at = DIRECTORY.resolve("at-" + run + ".ndjson");
        try (var out = Files.newOutputStream(over); var exact = Files.newOutputStream(at)) {
            for (int i = 0; i < LIMIT / 64; i++) {
                out.write(line);
                exact.write(line);
            }
            out.write('\n');
        }
        String detail = Staff.admin("demo").contentType("application/json")
                .body("{\"file\": \"" + over.getFileName() + "\"}").post(PATH, "demo-json")
                .then().statusCode(413).contentType(containsString("application/problem+json"))
                .extract().path("detail");
        assertTrue(detail.contains(String.valueOf(LIMIT)) && detail.contains("connector.imports.max-file-bytes"), detail);
        assertEquals(jobs, ImportUploads.count(dataSource, "select count(*) from import_job"), "no job for any refusal");

        String jobId = Staff.admin("demo").contentType("application/json").body("{\"file\": \"" + at.getFileName() + "\"}")
                .post(PATH, "demo-json").then().statusCode(202).body("totalLines", equalTo(LIMIT / 64))
                .extract().path("jobId");
        JsonPath done = HistoryImportTest.awaitDone(jobId);
        assertEquals("DONE", done.getString("state"));
        assertEquals(LIMIT / 64, done.getLong("rowsRead"), "every line of the file read");
    }

    @Test
    void aDirectoryJobResumesAfterItsLastCommittedLineAndAFileThatChangedFailsItsJob() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String name = "resume-" + run + ".ndjson";
        String text = String.join("\n", HistoryImportTest.reservationLine("HDR-" + run + "-1", 1),
                HistoryImportTest.reservationLine("HDR-" + run + "-2", 1),
                HistoryImportTest.reservationLine("HDR-" + run + "-3", 1),
                HistoryImportTest.reservationLine("HDR-" + run + "-4", 1)) + "\n";
        Files.writeString(DIRECTORY.resolve(name), text, StandardCharsets.UTF_8);
        long size = Files.size(DIRECTORY.resolve(name));
        UUID resumed = UUID.randomUUID();
        UUID changed = UUID.randomUUID();
        // a replica committed lines 1-2 of the first job and died, its lease ran out; the second job was created when
        // the file was one byte longer
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                insert into import_job (job_id, feed_id, tenant_id, format, state, file_sha256, total_lines, last_line,
                                        rows_read, rows_accepted, events_emitted, lease_owner, lease_until, created_at,
                                        started_at, source_file, source_bytes)
                values (?, 'demo-json', 'demo', 'NDJSON', 'RUNNING', 'x', 4, ?, ?, ?, ?, 'crashed-replica', ?, ?, ?, ?, ?)""")) {
            for (UUID job : List.of(resumed, changed)) {
                boolean first = job.equals(resumed);
                insert.setObject(1, job);
                insert.setLong(2, first ? 2 : 0);
                insert.setLong(3, first ? 2 : 0);
                insert.setLong(4, first ? 2 : 0);
                insert.setLong(5, first ? 4 : 0);
                insert.setObject(6, java.sql.Timestamp.from(Instant.now().minusSeconds(5)));
                insert.setObject(7, java.sql.Timestamp.from(Instant.now().minusSeconds(70)));
                insert.setObject(8, java.sql.Timestamp.from(Instant.now().minusSeconds(70)));
                insert.setString(9, name);
                insert.setLong(10, first ? size : size + 1);
                insert.executeUpdate();
            }
        }
        JsonPath job = HistoryImportTest.awaitDone(resumed.toString());
        assertEquals("DONE", job.getString("state"));
        assertEquals(4, job.getLong("rowsRead"));
        assertEquals(8, job.getLong("eventsEmitted"), "4 committed before + lines 3 and 4 with their guests");
        List<DecodedRecord<ReservationChanged>> emitted = await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<ReservationChanged>recordsOf(Topic.PMS_RESERVATIONS.topicName(),
                        "import:" + resumed), l -> l.size() == 2);
        assertEquals(List.of("HDR-" + run + "-3", "HDR-" + run + "-4"),
                emitted.stream().map(r -> r.value().getPmsReservationId()).sorted().toList(),
                "resumed after line 2: nothing before it again, nothing after it skipped");

        JsonPath failed = HistoryImportTest.awaitDone(changed.toString());
        assertEquals("FAILED", failed.getString("state"));
        assertTrue(failed.getString("failure").contains("changed size"), failed.getString("failure"));
        assertEquals(0, failed.getLong("rowsRead"));
        assertEquals(0, OtaPushTest.recordsOf(Topic.PMS_RESERVATIONS.topicName(), "import:" + changed).size());
    }
}
