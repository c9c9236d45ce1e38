package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCheckTest {

    @TempDir
    Path root;

    private final Instant built = Instant.parse("2026-12-01T10:00:00Z");

    @BeforeEach
    void aBuiltCheckout() throws IOException {
        touch("pom.xml", built.minusSeconds(3600));
        for (String library : List.of("schemas", "service-platform", "test-support")) {
            touch(library + "/pom.xml", built.minusSeconds(3600));
            touch(library + "/src/main/java/Library.java", built.minusSeconds(3600));
        }
        for (BuildCheck.Module module : BuildCheck.MODULES) {
            touch(module.name() + "/pom.xml", built.minusSeconds(3600));
            touch(module.name() + "/src/main/java/Main.java", built.minusSeconds(3600));
            touch(module.name() + "/" + module.artifact(), built);
        }
    }

    @Test
    void nothingIsStaleWhenEveryArtifactIsNewerThanItsInputs() {
        assertEquals(List.of(), BuildCheck.staleModules(root, List.of()));
    }

    @Test
    void aSourceNewerThanItsJarMakesThatModuleStaleNamingTheFile() throws IOException {
        touch("journey-service/src/main/resources/application.properties", built.plusSeconds(5));
        List<BuildCheck.Stale> stale = BuildCheck.staleModules(root, List.of());
        assertEquals(List.of("journey-service"), stale.stream().map(BuildCheck.Stale::module).toList());
        assertTrue(stale.get(0).reason().startsWith("journey-service/src/main/resources/application.properties is newer than"
                + " journey-service/target/quarkus-app/quarkus-run.jar"), stale.get(0).reason());
    }

    @Test
    void aNewerPomOrLibraryMakesEveryModuleBuiltFromItStale() throws IOException {
        touch("profile-service/pom.xml", built.plusSeconds(1));
        touch("service-platform/src/main/java/Outbox.java", built.plusSeconds(2));
        assertEquals(List.of("pms-connector", "profile-service", "journey-service", "optout-service", "desk-service", "ops-console"),
                BuildCheck.staleModules(root, List.of()).stream().map(BuildCheck.Stale::module).toList());
        touch("test-support/src/main/java/Postgres.java", built.plusSeconds(3));
        assertEquals(List.of("deploy"), BuildCheck.staleModules(root, List.of("deploy")).stream().map(BuildCheck.Stale::module).toList());
    }

    @Test
    void testSourcesDoNotMakeAJarStaleButAMissingJarDoes() throws IOException {
        touch("optout-service/src/test/java/SomeTest.java", built.plusSeconds(10));
        assertEquals(List.of(), BuildCheck.staleModules(root, List.of()));
        Files.delete(root.resolve("pms-connector/target/quarkus-app/quarkus-run.jar"));
        List<BuildCheck.Stale> stale = BuildCheck.staleModules(root, List.of("pms-connector", "deploy"));
        assertEquals(List.of("pms-connector"), stale.stream().map(BuildCheck.Stale::module).toList());
        assertTrue(stale.get(0).reason().contains("not built yet"), stale.get(0).reason());
    }

    private void touch(String relative, Instant modified) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, relative);
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}
