package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The import directory ({@code connector.imports.directory}): where an admin places a history file too large to upload,
 * read where it lies. A name is accepted only when it stays inside the directory (relative, no way out by {@code ..} or
 * a link) and names a regular file; anything else is "not a file of the import directory", never said why in more
 * detail than that, and never echoing the name.
 */
public final class ImportDirectory {

    private ImportDirectory() {
    }

    /**
     * {@code name} resolved inside {@code directory} (links followed, then checked again), or empty when it is no
     * regular file there.
     */
    public static Optional<Path> resolve(Path directory, String name) {
        if (name == null || name.isBlank() || name.indexOf('\0') >= 0 || name.length() > 1000) {
            return Optional.empty();
        }
        try {
            Path relative = Path.of(name);
            if (relative.isAbsolute()) {
                return Optional.empty();
            }
            Path root = directory.toRealPath();
            Path resolved = root.resolve(relative).normalize();
            if (!resolved.startsWith(root) || !Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            Path real = resolved.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real) || !Files.isReadable(real)) {
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (InvalidPathException | IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** {@code file}'s name as stored with the job: relative to the directory, with forward slashes. */
    public static String storedName(Path directory, Path file) throws IOException {
        return directory.toRealPath().relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Lines and SHA-256 of a file's bytes, counted as the import's upload counts them (a last line without LF counts). */
    public static final class Tally {
        private final MessageDigest sha256;
        private long bytes;
        private long lineFeeds;
        private byte last = '\n';

        public Tally() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }

        public void add(byte[] buffer, int n) {
            if (n <= 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    lineFeeds++;
                }
            }
            last = buffer[n - 1];
            bytes += n;
            sha256.update(buffer, 0, n);
        }

        public long bytes() {
            return bytes;
        }

        public long lines() {
            return last != '\n' ? lineFeeds + 1 : lineFeeds;
        }

        public String sha256() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    /** Reads the whole file once, in 1 MiB pieces, into a tally. */
    public static Tally tally(Path file) throws IOException {
        Tally tally = new Tally();
        byte[] buffer = new byte[ImportResource.CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                tally.add(buffer, n);
            }
        }
        return tally;
    }
}
