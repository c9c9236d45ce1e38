package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The raw ceilings measure the real shared servers, clean up after themselves, and say why when they cannot. */
class RawCeilingsTest {

    @Test
    void measuresTheSharedServersAndLeavesNoScratchBehind() throws Exception {
        List<RawCeilings.Ceiling> ceilings = RawCeilings.ofSharedServers("ceilings_test");

        assertEquals(3, ceilings.size());
        for (RawCeilings.Ceiling ceiling : ceilings) {
            assertTrue(ceiling.measured() && ceiling.perSecond() > 0, ceiling.line());
            assertTrue(ceiling.line().startsWith("ceiling  " + ceiling.what() + ": "), ceiling.line());
        }
        assertTrue(ceilings.get(1).how().contains("fsync="), "the durability settings are named: " + ceilings.get(1).how());
        try (Connection connection = Postgres.shared().connect("ceilings_test");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "select count(*) from pg_tables where tablename like 'ceiling_insert_%'")) {
            rows.next();
            assertEquals(0, rows.getInt(1), "the scratch table is dropped");
        }
        assertTrue(KafkaBroker.shared().admin().listTopics().names().get().stream().noneMatch(t -> t.startsWith("ceiling.")),
                "the scratch topic is deleted");
        assertEquals(0, MailServer.shared().receivedMessages().size(), "the mail server is left empty");
    }

    @Test
    void aServerThatCannotBeReachedGivesNotMeasuredWithTheReason() {
        int closedPort = Servers.freePort();
        RawCeilings.Ceiling mail = RawCeilings.smtpAccept("localhost", closedPort, 1, 10, Duration.ofSeconds(2));
        Properties login = new Properties();
        login.put("user", "postgres");
        login.put("connectTimeout", "2");
        RawCeilings.Ceiling database = RawCeilings.postgresInserts("jdbc:postgresql://localhost:" + closedPort + "/none",
                login, 1, Duration.ofSeconds(1));

        for (RawCeilings.Ceiling ceiling : List.of(mail, database)) {
            assertFalse(ceiling.measured(), ceiling.line());
            assertTrue(ceiling.how().startsWith("not measured: "), ceiling.how());
            assertTrue(ceiling.line().contains("not measured"), ceiling.line());
        }
    }
}
