package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StackPartsTest {

    @Test
    void restartTakesShortNamesAndPartNames() {
        assertEquals("pms-connector", StackParts.partName("connector"));
        assertEquals("journey-service", StackParts.partName("journey"));
        assertEquals("journey-service", StackParts.partName("journey-service"));
        assertEquals("postgres", StackParts.partName("postgres"));
        StackException unknown = assertThrows(StackException.class, () -> StackParts.partName("zookeeper"));
        assertTrue(unknown.getMessage().contains("connector|profile|journey|optout|desk|kafka|registry|postgres|mail"), unknown.getMessage());
    }

    @Test
    void everyPartHasJvmOptionsAndTheEnvironmentReplacesThem() {
        StackConfig defaults = StackConfig.fromEnvironment(Path.of("/repo"), name -> null);
        for (String shortName : StackParts.SHORT_NAMES) {
            List<String> options = StackParts.jvmOptions(defaults, StackParts.partName(shortName));
            assertTrue(options.stream().anyMatch(o -> o.startsWith("-Xmx")), shortName + ": " + options);
        }
        StackConfig configured = StackConfig.fromEnvironment(Path.of("/repo"),
                Map.of("CRM_JVM_OPTIONS_JOURNEY", "  -Xmx256m   -XX:+UseParallelGC ")::get);
        assertEquals(List.of("-Xmx256m", "-XX:+UseParallelGC"), StackParts.jvmOptions(configured, "journey-service"));
        assertEquals(StackParts.jvmOptions(defaults, "profile-service"), StackParts.jvmOptions(configured, "profile-service"));
    }

    @Test
    void aServiceReplicaIsNamedByItsNumberAndRunsWithItsServicesOptions() {
        assertEquals("journey-service-2", StackParts.partName("journey-2"));
        assertEquals("pms-connector-4", StackParts.partName("pms-connector-4"));
        assertEquals("journey", StackParts.shortName("journey-service-3"));
        StackConfig configured = StackConfig.fromEnvironment(Path.of("/repo"),
                Map.of("CRM_JVM_OPTIONS_JOURNEY", "-Xmx200m", "CRM_REPLICAS", "2")::get);
        assertEquals(List.of("-Xmx200m"), StackParts.jvmOptions(configured, "journey-service-2"));
        // Only the five services run as several processes; the infrastructure has one of each.
        assertThrows(StackException.class, () -> StackParts.partName("kafka-2"));
        assertThrows(StackException.class, () -> StackParts.partName("journey-1"));
        assertEquals("journey-service", LocalStack.serviceOf("journey-service-2").orElseThrow().name());
        assertTrue(LocalStack.serviceOf("kafka").isEmpty());
    }

    @org.junit.jupiter.api.io.TempDir
    Path root;

    @Test
    void replicasGetTheirOwnPartsAndPorts() {
        // A state directory of its own: the services' environment holds keys the stack creates on first use.
        StackConfig two = StackConfig.fromEnvironment(root, Map.of("CRM_REPLICAS", "2")::get);
        LocalStack stack = new LocalStack(two, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        List<String> names = stack.serviceParts().stream().map(StackPart::name).toList();
        assertTrue(names.containsAll(List.of("pms-connector", "pms-connector-2", "journey-service", "journey-service-2",
                "profile-service-2", "optout-service-2", "desk-service-2")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.endsWith("-3")), names.toString());
        assertEquals(8183, two.port(StackConfig.Port.JOURNEY, 2));
        assertEquals(8083, two.port(StackConfig.Port.JOURNEY, 1));
        StackPart second = stack.serviceParts().stream().filter(p -> p.name().equals("journey-service-2")).findFirst().orElseThrow();
        assertTrue(second.command().contains("-Dquarkus.http.port=8183"), second.command().toString());
        assertTrue(second.command().contains("-Dguestcrm.stack.part=journey-service-2"), second.command().toString());
    }
}
