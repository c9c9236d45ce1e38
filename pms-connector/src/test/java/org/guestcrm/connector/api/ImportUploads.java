package org.guestcrm.connector.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Enumeration;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.guestcrm.connector.Staff;

/**
 * Uploads for the streamed history import tests, through the JDK's HTTP client: bodies are generated while they are
 * sent (never a whole file in the test's heap), with a declared Content-Length or chunked, or broken off on purpose.
 */
final class ImportUploads {

    private ImportUploads() {
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** {@code count} lines from {@code line} (its bytes include the line end), one after another. */
    static Supplier<InputStream> lines(int count, IntFunction<byte[]> line) {
        return () -> new java.io.SequenceInputStream(new Enumeration<InputStream>() {
            int next;

            @Override
            public boolean hasMoreElements() {
                return next < count;
            }

            @Override
            public InputStream nextElement() {
                return new ByteArrayInputStream(line.apply(next++));
            }
        });
    }

    /** {@code body} that fails with an IOException after {@code bytes} bytes: the client breaks the upload off. */
    static Supplier<InputStream> brokenAfter(Supplier<InputStream> body, long bytes) {
        return () -> new java.io.FilterInputStream(body.get()) {
            long sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= bytes) {
                    throw new IOException("upload broken off by the test");
                }
                int n = super.read(b, off, (int) Math.min(len, bytes - sent));
                if (n > 0) {
                    sent += n;
                }
                return n;
            }
        };
    }

    /** POST as an admin of {@code tenant}; {@code length} &lt; 0: chunked (no Content-Length). */
    static HttpResponse<String> post(URI base, String path, String tenant, Supplier<InputStream> body, long length,
                                     boolean expectContinue) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(body);
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + Staff.token(tenant, "admin"))
                .header("Content-Type", ImportResource.NDJSON)
                .expectContinue(expectContinue)
                .timeout(Duration.ofMinutes(5))
                .POST(length < 0 ? stream : HttpRequest.BodyPublishers.fromPublisher(stream, length))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static java.sql.Timestamp databaseNow(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select now()"); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getTimestamp(1);
        }
    }

    static long count(DataSource dataSource, String sql, Object... parameters) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
