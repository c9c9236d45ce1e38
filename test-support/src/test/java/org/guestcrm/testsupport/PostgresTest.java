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
}
