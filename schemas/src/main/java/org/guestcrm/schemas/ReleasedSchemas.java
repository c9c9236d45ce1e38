package org.guestcrm.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;

/**
 * Snapshots of the schemas as released, one folder per release under {@code schemas/src/released},
 * one file per record (full name), so the build can prove that every change stays backward compatible.
 *
 * <p>Record a release with {@code ./mvnw -pl schemas exec:java -Dexec.mainClass=org.guestcrm.schemas.ReleasedSchemas -Dexec.args="src/released/0.2.0"}
 * or by running {@link #main(String[])} from the IDE.
 */
public final class ReleasedSchemas {

    private ReleasedSchemas() {
    }

    public record Released(String release, Path file, Schema schema) {
    }

    public static List<Released> readAll(Path releasedRoot) {
        List<Released> all = new ArrayList<>();
        try (Stream<Path> releases = Files.list(releasedRoot)) {
            for (Path release : releases.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(release)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                        Schema schema = new Schema.Parser().parse(file.toFile());
                        all.add(new Released(release.getFileName().toString(), file, schema));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read released schemas under " + releasedRoot, e);
        }
        return all;
    }

    public static void record(Path releaseDir) throws IOException {
        Files.createDirectories(releaseDir);
        for (Schema schema : Topic.allSchemas()) {
            Files.writeString(releaseDir.resolve(schema.getFullName() + ".avsc"), schema.toString(true) + "\n");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ReleasedSchemas <release-dir>, e.g. src/released/0.2.0");
            System.exit(2);
        }
        record(Path.of(args[0]));
        System.out.println("Recorded " + Topic.allSchemas().size() + " schemas in " + args[0]);
    }
}
