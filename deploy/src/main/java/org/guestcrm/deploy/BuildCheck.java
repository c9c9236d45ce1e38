package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which modules of the local stack need building before {@code ./crm up}: a module whose artifact is missing, or
 * older than one of its inputs (its own {@code src/main} and {@code pom.xml}, those of the in-repository libraries
 * it is built from, and the root {@code pom.xml}). Uses only the JDK, so the {@code crm} script runs it straight
 * from {@code deploy/target/classes}:
 * {@code java -cp deploy/target/classes org.guestcrm.deploy.BuildCheck <root> [module ...]} prints one line per
 * module to build, {@code <module> <reason>}.
 */
public final class BuildCheck {

    /** A module of the stack, where its artifact lands, and the library modules it is built from. */
    record Module(String name, String artifact, List<String> libraries) {
    }

    static final List<Module> MODULES = List.of(
            new Module("pms-connector", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform")),
            new Module("profile-service", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform")),
            new Module("journey-service", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform")),
            new Module("optout-service", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform")),
            new Module("desk-service", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform")),
            // The console compiles deploy's lag classes into itself.
            new Module("ops-console", "target/quarkus-app/quarkus-run.jar", List.of("schemas", "service-platform", "deploy")),
            // The launcher runs from target/classes + target/lib; the jar is written last by package.
            new Module("deploy", "target/deploy-0.1.0-SNAPSHOT.jar", List.of("schemas", "test-support", "pms-simulator")));

    /** Why a module needs building. */
    record Stale(String module, String reason) {
    }

    private BuildCheck() {
    }

    /** The modules among {@code wanted} (names of {@link #MODULES}; empty = all) that need building, with why. */
    static List<Stale> staleModules(Path root, List<String> wanted) {
        List<Stale> stale = new ArrayList<>();
        for (Module module : MODULES) {
            if (!wanted.isEmpty() && !wanted.contains(module.name())) {
                continue;
            }
            Path artifact = root.resolve(module.name()).resolve(module.artifact());
            if (!Files.isRegularFile(artifact)) {
                stale.add(new Stale(module.name(), "not built yet (" + root.relativize(artifact) + " is missing)"));
                continue;
            }
            FileTime built = modified(artifact);
            Map<Path, FileTime> newer = new LinkedHashMap<>();
            List<Path> inputs = new ArrayList<>();
            inputs.add(root.resolve("pom.xml"));
            for (String library : module.libraries()) {
                inputs.add(root.resolve(library).resolve("pom.xml"));
                inputs.add(root.resolve(library).resolve("src/main"));
            }
            inputs.add(root.resolve(module.name()).resolve("pom.xml"));
            inputs.add(root.resolve(module.name()).resolve("src/main"));
            for (Path input : inputs) {
                newestFile(input).filter(f -> modified(f).compareTo(built) > 0).ifPresent(f -> newer.put(f, modified(f)));
            }
            if (!newer.isEmpty()) {
                Path newest = newer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                stale.add(new Stale(module.name(), root.relativize(newest) + " is newer than " + root.relativize(artifact)
                        + (newer.size() > 1 ? " (and " + (newer.size() - 1) + " more input" + (newer.size() > 2 ? "s" : "") + ")" : "")));
            }
        }
        return stale;
    }

    /** The most recently modified regular file at or under {@code path}, if any. */
    static Optional<Path> newestFile(Path path) {
        if (Files.isRegularFile(path)) {
            return Optional.of(path);
        }
        if (!Files.isDirectory(path)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).max((a, b) -> modified(a).compareTo(modified(b)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + path, e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: BuildCheck <repository root> [module ...]");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        for (Stale stale : staleModules(root, List.of(args).subList(1, args.length))) {
            System.out.println(stale.module() + " " + stale.reason());
        }
    }
}
