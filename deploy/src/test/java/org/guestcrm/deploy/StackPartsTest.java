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
}
