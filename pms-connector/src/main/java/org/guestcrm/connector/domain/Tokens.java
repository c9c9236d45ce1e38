package org.guestcrm.connector.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers for feed tokens and message bodies; tokens are compared in constant time. */
public final class Tokens {

    private Tokens() {
    }

    public static String sha256Hex(String value) {
        return sha256Hex(value.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** True when the presented token hashes to the stored hash; constant time in the token's content. */
    public static boolean matches(String presentedToken, String storedSha256Hex) {
        byte[] presented = sha256Hex(presentedToken == null ? "" : presentedToken).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = (storedSha256Hex == null ? "" : storedSha256Hex).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, stored) && presentedToken != null && !presentedToken.isEmpty();
    }
}
