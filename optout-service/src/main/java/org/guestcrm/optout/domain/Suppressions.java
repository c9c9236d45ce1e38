package org.guestcrm.optout.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash an erased contact point leaves behind ({@code sha256:} + hex of SHA-256(tenant NUL kind NUL value)): enough
 * to recognise the address if it comes back (a PMS sending it again, a new opt-in) and refuse to grant it, without
 * keeping the address. Whoever holds a candidate address can compute it: a pseudonym for the suppression list, not
 * anonymisation.
 */
public final class Suppressions {

    private Suppressions() {
    }

    public static String hash(String tenant, ContactPoint contactPoint) {
        return "sha256:" + sha256(tenant + '\0' + contactPoint.kind().name() + '\0' + contactPoint.value());
    }

    /** A hash for rate limits (addresses typed into the link-request form, client addresses): never stored in clear. */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
