package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Staff;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The history import upload is streamed into the job's store (issue 7): a file three times Quarkus' 10 MB body limit is
 * accepted and imported line for line, while every other endpoint keeps that limit, and an upload broken off midway
 * leaves no job.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ImportUploadTest {

    /** Every line is padded to this many bytes (line end included), so lines straddle the 1 MiB chunks. */
    static final int LINE_BYTES = 4096;
    static final int LINES = 7_680; // 31,457,280 bytes
    static final int MALFORMED_EVERY = 1000;

    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    static byte[] paddedLine(String run, int index) {
        String line = HistoryImportTest.reservationLine("U-" + run + "-" + index, 1);
        if (index % MALFORMED_EVERY == MALFORMED_EVERY - 1) {
            line = line.replace("\"arrival\": \"2019-07-01\"", "\"arrival\": \"2019-02-30\"");
        }
        String end = index % 7 == 0 ? "\r\n" : "\n";
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[LINE_BYTES];
        java.util.Arrays.fill(padded, (byte) ' ');
        System.arraycopy(text, 0, padded, 0, text.length);
        byte[] ending = end.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ending, 0, padded, LINE_BYTES - ending.length, ending.length);
        return padded;
    }

    @Test
    void aThirtyMegabyteFileIsStreamedInAndImportedCompletely() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long length = (long) LINES * LINE_BYTES;
        assertTrue(length > 30_000_000L, "three times the 10 MB body limit");
        HttpResponse<String> answer = ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                ImportUploads.lines(LINES, i -> paddedLine(run, i)), length, false);
        assertEquals(202, answer.statusCode(), answer.body());
        String jobId = JsonPath.from(answer.body()).getString("jobId");
        assertEquals(LINES, JsonPath.from(answer.body()).getLong("totalLines"));

        JsonPath job = HistoryImportTest.awaitDone(jobId);
        assertEquals("DONE", job.getString("state"), job.prettify());
        int malformed = LINES / MALFORMED_EVERY;
        assertEquals(LINES, job.getLong("totalLines"));
        assertEquals(LINES, job.getLong("rowsRead"));
        assertEquals(LINES - malformed, job.getLong("rowsAccepted"));
        assertEquals(malformed, job.getLong("rowsRejected"));
        assertEquals(2L * (LINES - malformed), job.getLong("eventsEmitted"), "each reservation with its guest");
        List<Long> expectedLines = new ArrayList<>();
        for (int i = MALFORMED_EVERY - 1; i < LINES; i += MALFORMED_EVERY) {
            expectedLines.add(i + 1L);
        }
        List<Map<String, Object>> rejections = job.getList("rejections");
        assertEquals(expectedLines, rejections.stream().map(r -> ((Number) r.get("line")).longValue()).distinct().toList(),
                "the refused lines, numbered across chunk boundaries");
        assertEquals(0, ImportUploads.count(dataSource, "select count(*) from import_file where job_id = ?",
                UUID.fromString(jobId)), "the file is dropped once the job is done");
    }

    @Test
    void everyOtherEndpointKeepsTheTenMegabyteBodyLimit() throws Exception {
        long length = 11L * 1024 * 1024;
        HttpResponse<String> answer = ImportUploads.post(base, "api/v1/feeds", "demo",
                ImportUploads.lines((int) (length / 1024), i -> new byte[1024]), length, true);
        assertEquals(413, answer.statusCode(), "Quarkus' limit still refuses an 11 MB feed definition");
        HttpResponse<String> importsOfAJob = ImportUploads.post(base, "api/v1/feeds/demo-json/imports/x", "demo",
                ImportUploads.lines((int) (length / 1024), i -> new byte[1024]), length, true);
        assertEquals(413, importsOfAJob.statusCode(), "only the upload path itself is exempt");
    }

    @Test
    void anUploadBrokenOffMidwayLeavesNoJob() throws Exception {
        long jobsBefore = ImportUploads.count(dataSource, "select count(*) from import_job where feed_id = 'demo-json'");
        java.sql.Timestamp start = ImportUploads.databaseNow(dataSource);
        double abortedBefore = abortedUploads();
        String run = UUID.randomUUID().toString().substring(0, 8);
        // 3 MiB of a declared 30 MiB, then the client breaks off: chunks were already stored by the upload
        assertThrows(IOException.class, () -> ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                ImportUploads.brokenAfter(ImportUploads.lines(LINES, i -> paddedLine(run, i)), 3L * 1024 * 1024),
                (long) LINES * LINE_BYTES, false));
        // and chunked, broken off after 2.5 MiB
        assertThrows(IOException.class, () -> ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                ImportUploads.brokenAfter(ImportUploads.lines(LINES, i -> paddedLine(run, i)), 5L * 512 * 1024), -1,
                false));
        // the server saw both uploads end before their bodies did, and rolled them back
        await().atMost(Duration.ofSeconds(60)).until(() -> abortedUploads() >= abortedBefore + 2);
        assertEquals(jobsBefore, ImportUploads.count(dataSource,
                "select count(*) from import_job where feed_id = 'demo-json'"), "no job left behind");
        assertEquals(0, ImportUploads.count(dataSource,
                "select count(*) from import_file f join import_job j using (job_id) where j.created_at >= ?", start),
                "no file left behind");
    }

    static double abortedUploads() {
        String metrics = Staff.ops().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("connector_import_uploads_aborted_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
