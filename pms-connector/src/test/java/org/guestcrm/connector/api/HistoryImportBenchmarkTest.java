package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * History import throughput, file to Kafka: N reservation lines (each with its guest, so 2 events a line) from the POST
 * until every event of the job is acknowledged by the broker. Skipped unless {@code -Dguestcrm.bench.import=N}; prints
 * the figures, asserts no timing.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
@EnabledIfSystemProperty(named = "guestcrm.bench.import", matches = "[0-9]+")
class HistoryImportBenchmarkTest {

    @Inject
    DataSource dataSource;

    @Test
    void importThroughputFromFileToKafka() throws Exception {
        int rows = Integer.parseInt(System.getProperty("guestcrm.bench.import"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder file = new StringBuilder(rows * 420);
        for (int i = 0; i < rows; i++) {
            file.append(HistoryImportTest.reservationLine("B-" + run + "-" + i, 1)).append('\n');
        }
        long start = System.nanoTime();
        String jobId = HistoryImportTest.post("demo-json", file.toString());
        JsonPath job = await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> org.guestcrm.connector.Staff.admin("demo").get("/api/v1/imports/{jobId}", jobId).then()
                        .extract().jsonPath(), json -> !"RUNNING".equals(json.getString("state")));
        long committed = System.nanoTime();
        assertEquals("DONE", job.getString("state"));
        long events = job.getLong("eventsEmitted");
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> unsent("import:" + jobId) == 0);
        long sent = System.nanoTime();
        double outboxSeconds = (committed - start) / 1e9;
        double kafkaSeconds = (sent - start) / 1e9;
        System.out.printf("History import benchmark: %d rows, %d events; file to outbox %.1f s (%.0f rows/s, job's own rate"
                        + " %.0f rows/s); file to Kafka %.1f s = %.0f rows/s, %.0f events/s%n", rows, events, outboxSeconds,
                rows / outboxSeconds, job.getDouble("rowsPerSecond"), kafkaSeconds, rows / kafkaSeconds, events / kafkaSeconds);
    }

    long unsent(String correlationId) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "select count(*) from outbox_event where correlation_id = ? and sent_at is null")) {
            statement.setString(1, correlationId);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
