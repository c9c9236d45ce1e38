package org.guestcrm.connector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The import's own limit ({@code connector.imports.max-bytes}, here 64 KiB) is enforced while the upload streams: a
 * file one byte over it answers 413 with a problem naming the limit and leaves nothing behind, whether it declared its
 * length or came chunked; a file of exactly the limit is taken.
 */
@QuarkusTest
@TestProfile(ImportUploadLimitTest.SmallImportLimit.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ImportUploadLimitTest {

    static final int LIMIT = 65_536;

    public static class SmallImportLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("connector.imports.max-bytes", String.valueOf(LIMIT));
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    /** {@code bytes} bytes of 64-byte lines of spaces (each is read, and refused as not JSON). */
    static java.util.function.Supplier<java.io.InputStream> blankLines(int bytes) {
        return ImportUploads.lines(bytes / 64, i -> {
            byte[] line = new byte[64];
            java.util.Arrays.fill(line, (byte) ' ');
            line[63] = '\n';
            return line;
        });
    }

    @Test
    void aFileOverTheImportLimitAnswers413NamingItAndLeavesNothingBehind() throws Exception {
        long jobs = ImportUploads.count(dataSource, "select count(*) from import_job");
        long files = ImportUploads.count(dataSource, "select count(*) from import_file");
        for (long length : new long[] {LIMIT + 64, -1}) {
            HttpResponse<String> answer = ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                    blankLines(LIMIT + 64), length, false);
            assertEquals(413, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").contains("problem+json"), answer.body());
            String detail = JsonPath.from(answer.body()).getString("detail");
            assertTrue(detail.contains(String.valueOf(LIMIT)) && detail.contains("connector.imports.max-bytes"), detail);
        }
        assertEquals(jobs, ImportUploads.count(dataSource, "select count(*) from import_job"), "no job kept");
        assertEquals(files, ImportUploads.count(dataSource, "select count(*) from import_file"), "no chunk kept");

        HttpResponse<String> atTheLimit = ImportUploads.post(base, "api/v1/feeds/demo-json/imports", "demo",
                blankLines(LIMIT), -1, false);
        assertEquals(202, atTheLimit.statusCode(), atTheLimit.body());
        assertEquals(LIMIT / 64, JsonPath.from(atTheLimit.body()).getLong("totalLines"));
        assertEquals(jobs + 1, ImportUploads.count(dataSource, "select count(*) from import_job"));
        JsonPath done = HistoryImportTest.awaitDone(JsonPath.from(atTheLimit.body()).getString("jobId"));
        assertEquals("DONE", done.getString("state"));
        assertEquals(LIMIT / 64, done.getLong("rowsRead"), "every line of the file read");
    }
}
