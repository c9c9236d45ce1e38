package org.guestcrm.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How the journey-service of the local stack reaches its SMS gateway ({@link SmsCatcher}): an account id and sender
 * number of the stack's own, and a secret created once under {@code .crm/keys/} and handed to both through their
 * environments; and the stack's other generated secrets (the opt-out service's suppression key).
 */
final class SmsGateway {

    static final String ACCOUNT_SID = "AClocalstack";
    static final String FROM = "+41445550100";
    private static final String TOKEN_FILE = "sms-gateway.token";

    private SmsGateway() {
    }

    static String authToken(StackConfig config) {
        return secret(config, TOKEN_FILE, 24);
    }

    /**
     * A random secret of {@code bytes} bytes (hex for the SMS token, base64 otherwise) created once as {@code name}
     * under {@code .crm/keys/}.
     */
    static String secret(StackConfig config, String name, int bytes) {
        Path file = config.keyDirectory().resolve(name);
        try {
            if (!Files.isRegularFile(file)) {
                byte[] secret = new byte[bytes];
                new SecureRandom().nextBytes(secret);
                Files.createDirectories(file.getParent());
                Files.writeString(file, name.equals(TOKEN_FILE) ? HexFormat.of().formatHex(secret)
                        : java.util.Base64.getEncoder().encodeToString(secret));
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the directory protects it
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new StackException("Cannot create " + file + ": " + e.getMessage());
        }
    }
}
