package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {

    @TempDir
    Path root;

    @Test
    void defaultsAreTheDocumentedPortsAndStateLivesUnderDotCrm() {
        StackConfig config = StackConfig.fromEnvironment(root, name -> null);
        assertEquals(8080, config.port(StackConfig.Port.REGISTRY));
        assertEquals(8081, config.port(StackConfig.Port.CONNECTOR));
        assertEquals(8082, config.port(StackConfig.Port.PROFILE));
        assertEquals(8083, config.port(StackConfig.Port.JOURNEY));
        assertEquals(8084, config.port(StackConfig.Port.OPTOUT));
        assertEquals(9092, config.port(StackConfig.Port.KAFKA));
        assertEquals(55432, config.port(StackConfig.Port.POSTGRES));
        assertEquals(3025, config.port(StackConfig.Port.SMTP));
        assertEquals(3143, config.port(StackConfig.Port.IMAP));
        assertEquals(root.resolve(".crm").toAbsolutePath(), config.stateDirectory());
        assertEquals("jdbc:postgresql://localhost:55432/journey", config.jdbcUrl("journey"));
    }

    @Test
    void everyPortAndTheStateDirectoryCanBeOverriddenFromTheEnvironment() {
        Map<String, String> environment = Map.of("CRM_KAFKA_PORT", "19092", "CRM_HOME", root.resolve("elsewhere").toString());
        StackConfig config = StackConfig.fromEnvironment(root, environment::get);
        assertEquals(19092, config.port(StackConfig.Port.KAFKA));
        assertEquals("localhost:19092", config.kafkaBootstrapServers());
        assertEquals(root.resolve("elsewhere"), config.stateDirectory());
    }

    @Test
    void partitionsAndReplicasComeFromTheEnvironmentWithinBounds() {
        StackConfig defaults = StackConfig.fromEnvironment(root, name -> null);
        assertEquals(3, defaults.partitions());
        assertEquals(1, defaults.replicas());
        StackConfig scaled = StackConfig.fromEnvironment(root, Map.of("CRM_PARTITIONS", "4", "CRM_REPLICAS", " 4 ")::get);
        assertEquals(4, scaled.partitions());
        assertEquals(4, scaled.replicas());
        assertEquals(8381, scaled.port(StackConfig.Port.CONNECTOR, 4));
        for (Map<String, String> bad : java.util.List.of(Map.of("CRM_REPLICAS", "0"), Map.of("CRM_REPLICAS", "5"),
                Map.of("CRM_PARTITIONS", "0"), Map.of("CRM_PARTITIONS", "many"))) {
            StackException refused = assertThrows(StackException.class, () -> StackConfig.fromEnvironment(root, bad::get));
            String variable = bad.keySet().iterator().next();
            assertTrue(refused.getMessage().contains(variable + "="), refused.getMessage());
        }
    }

    @Test
    void aPortThatIsNoPortIsRejectedNamingTheVariable() {
        StackException notANumber = assertThrows(StackException.class,
                () -> StackConfig.fromEnvironment(root, Map.of("CRM_SMTP_PORT", "smtp")::get));
        assertTrue(notANumber.getMessage().contains("CRM_SMTP_PORT=smtp"), notANumber.getMessage());
        StackException outOfRange = assertThrows(StackException.class,
                () -> StackConfig.fromEnvironment(root, Map.of("CRM_IMAP_PORT", "70000")::get));
        assertTrue(outOfRange.getMessage().contains("CRM_IMAP_PORT"), outOfRange.getMessage());
    }

    @Test
    void aTakenPortStopsUpBeforeAnythingStartsAndNamesThePortAndItsVariable() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            Map<StackConfig.Port, Integer> ports = new EnumMap<>(StackConfig.Port.class);
            for (StackConfig.Port port : StackConfig.Port.values()) {
                ports.put(port, port == StackConfig.Port.CONNECTOR ? taken.getLocalPort() : freePort());
            }
            StackConfig config = new StackConfig(root, root.resolve("state"), "unused", ports);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LocalStack stack = new LocalStack(config, new PrintStream(out, true, StandardCharsets.UTF_8));

            StackException failure = assertThrows(StackException.class, stack::up);

            assertTrue(failure.getMessage().contains("port " + taken.getLocalPort() + " (connector, set CRM_CONNECTOR_PORT"),
                    failure.getMessage());
            assertEquals(java.util.List.of(), stack.runningParts());
            assertTrue(!Files.exists(root.resolve("state/run")), "nothing was started");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
