package org.guestcrm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The local stack's generated secrets (the connector's credentials key, the SMS gateway's token, the opt-out service's
 * suppression key, feed credentials the stack was issued): each created once under {@code .crm/keys/}, readable by
 * its owner only, and handed to the parts through their environments.
 */
final class StackSecrets {

    private StackSecrets() {
    }

    /** A random secret of {@code bytes} bytes, base64, created once as {@code name} under {@code .crm/keys/}. */
    static String base64(StackConfig config, String name, int bytes) {
        return secret(config, name, bytes, false);
    }

    /** As {@link #base64}, in hex digits. */
    static String hex(StackConfig config, String name, int bytes) {
        return secret(config, name, bytes, true);
    }

    private static String secret(StackConfig config, String name, int bytes, boolean hex) {
        Path file = config.keyDirectory().resolve(name);
        try {
            if (!Files.isRegularFile(file)) {
                byte[] secret = new byte[bytes];
                new SecureRandom().nextBytes(secret);
                writePrivate(file, hex ? HexFormat.of().formatHex(secret) : Base64.getEncoder().encodeToString(secret));
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new StackException("Cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Writes {@code content} to {@code file}, readable and writable by its owner only. */
    static void writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // not a POSIX file system: the directory's permissions protect it
            }
        } catch (IOException e) {
            throw new StackException("Cannot write " + file + ": " + e.getMessage());
        }
    }
}
