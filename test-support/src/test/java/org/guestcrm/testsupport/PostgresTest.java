package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class PostgresTest {

    @Test
    void createsADatabaseAndRunsSql() throws Exception {
        Postgres postgres = Timing.timed("postgres (shared, child process)", Postgres::shared);
        postgres.createDatabaseIfMissing("support_test");
        postgres.createDatabaseIfMissing("support_test"); // idempotent

        assertTrue(postgres.jdbcUrl("support_test").startsWith("jdbc:postgresql://localhost:"));
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("support_test"), postgres.username(), postgres.password())) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE processed_event (event_id uuid PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now())");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO processed_event (event_id) VALUES (gen_random_uuid())")) {
                assertEquals(1, insert.executeUpdate());
                assertEquals(1, insert.executeUpdate());
            }
            try (Statement query = connection.createStatement();
                    ResultSet rs = query.executeQuery("SELECT count(*), current_database(), current_setting('server_version_num')::int FROM processed_event")) {
                rs.next();
                assertEquals(2, rs.getInt(1));
                assertEquals("support_test", rs.getString(2));
                assertTrue(rs.getInt(3) >= 170000, "PostgreSQL 17+");
            }
        }
    }

    @Test
    void aProbeCanGiveTheServerALargerCache(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) throws Exception {
        String before = System.getProperty("postgres.shared-buffers");
        System.setProperty("postgres.shared-buffers", "192MB");
        try (Postgres postgres = Postgres.start(0, directory.resolve("data"))) {
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.username(), postgres.password());
                    Statement query = connection.createStatement();
                    ResultSet rs = query.executeQuery("show shared_buffers")) {
                rs.next();
                assertEquals("192MB", rs.getString(1));
            }
            System.setProperty("postgres.shared-buffers", "a lot");
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Postgres.start(0, directory.resolve("other")));
        } finally {
            if (before == null) {
                System.clearProperty("postgres.shared-buffers");
            } else {
                System.setProperty("postgres.shared-buffers", before);
            }
        }
    }
}
