package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RealInfrastructureTest {

    @Test
    void returnsQuarkusConfigurationForEveryServer() throws Exception {
        RealInfrastructure resource = new RealInfrastructure();
        resource.init(Map.of("database", "journey"));
        Map<String, String> config = resource.start();

        assertEquals(KafkaBroker.shared().bootstrapServers(), config.get("kafka.bootstrap.servers"));
        assertEquals(SchemaRegistry.shared().apiUrl(), config.get("mp.messaging.connector.smallrye-kafka.apicurio.registry.url"));
        assertEquals(SchemaRegistry.shared().apiUrl(), config.get("apicurio.registry.url"));
        assertEquals("true", config.get("mp.messaging.connector.smallrye-kafka.apicurio.registry.auto-register"));
        assertEquals(Postgres.shared().jdbcUrl("journey"), config.get("quarkus.datasource.jdbc.url"));
        assertEquals(String.valueOf(MailServer.shared().smtpPort()), config.get("quarkus.mailer.port"));
        assertEquals("false", config.get("quarkus.mailer.mock"));
        assertEquals("false", config.get("quarkus.datasource.devservices.enabled"));
        assertEquals("false", config.get("quarkus.kafka.devservices.enabled"));
        assertEquals("false", config.get("quarkus.apicurio-registry.devservices.enabled"));
        try (Connection connection = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"))) {
            assertFalse(connection.isClosed());
        }
        resource.stop();
    }

    @Test
    void startsOnlyTheRequestedServices() {
        RealInfrastructure resource = new RealInfrastructure();
        resource.init(Map.of("services", "mail"));
        Map<String, String> config = resource.start();
        // The staff-token keys are no server: they are always there, so no test switches security off.
        assertEquals(Map.of("quarkus.mailer.host", "localhost",
                "quarkus.mailer.port", String.valueOf(MailServer.shared().smtpPort()),
                "quarkus.mailer.mock", "false",
                "quarkus.mailer.from", RealInfrastructure.DEFAULT_MAIL_FROM,
                "quarkus.mailer.start-tls", "DISABLED",
                "mp.jwt.verify.publickey.location", LocalIdentity.forTests().verifyKeyFile().toUri().toString(),
                "mp.jwt.verify.issuer", LocalIdentity.LOCAL_ISSUER), config);
    }

    @Test
    void requiresADatabaseWhenPostgresIsUsed() {
        assertThrows(IllegalArgumentException.class, () -> new RealInfrastructure().init(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new RealInfrastructure().init(Map.of("services", "kafka,nosql")));
    }
}
