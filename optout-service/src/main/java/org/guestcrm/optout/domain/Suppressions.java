package org.guestcrm.optout.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash an erased contact point leaves behind, enough to recognise it if it comes back (a PMS sending it again, a
 * new opt-in) and refuse to grant it, without keeping the contact point: {@code hmac1:<kid>:} + base64url of
 * HMAC-SHA256(key, tenant NUL kind NUL value), with a secret key from the environment, so whoever holds a candidate
 * address but not the key cannot test it against the list. Keys rotate: every configured key is tried when checking,
 * the current one signs new entries. Rows written before the keys ({@code sha256:} + hex of the unsalted SHA-256) are
 * still recognised ({@link #legacy}); they cannot be re-keyed, since the value they hash is gone.
 */
public final class Suppressions {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,20}");
    private static final int MIN_KEY_BYTES = 32;
    /**
     * A suppression of a contact-point reference ({@code ref:cp1_...}): an erasure received on crm.erasures for a
     * contact point this service did not hold yet (the value is unknown here, only the pseudonym the topic carried).
     */
    public static final String REF_PREFIX = "ref:";

    private final Map<String, byte[]> keys;
    private final String currentKeyId;

    /** {@code keys} by key id (each at least 32 bytes), {@code currentKeyId} one of them. */
    public Suppressions(Map<String, byte[]> keys, String currentKeyId) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty() || currentKeyId == null || !keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("The current suppression key must be one of the configured keys");
        }
        keys.forEach((kid, key) -> {
            if (!KEY_ID.matcher(kid).matches() || key == null || key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("Suppression key " + (KEY_ID.matcher(kid).matches() ? kid : "(bad id)")
                        + " needs an id of letters, digits, _.- (at most 20) and at least 32 bytes");
            }
        });
        this.keys = new LinkedHashMap<>(keys);
        this.currentKeyId = currentKeyId;
    }

    /**
     * Reads {@code kid:base64,kid:base64} (the form of {@code GUESTCRM_SUPPRESSION_KEYS}).
     *
     * @throws IllegalArgumentException naming the entry (never the key) when one is malformed
     */
    public static Suppressions parse(String keyList, String currentKeyId) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        int n = 0;
        for (String entry : keyList == null ? new String[0] : keyList.split(",")) {
            n++;
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Suppression key entry " + n + " is not kid:base64");
            }
            try {
                keys.put(trimmed.substring(0, colon), Base64.getDecoder().decode(trimmed.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Suppression key entry " + n + " is not valid base64");
            }
        }
        return new Suppressions(keys, currentKeyId);
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    /** The hash to store for {@code contactPoint} (the current key). */
    public String hash(String tenant, ContactPoint contactPoint) {
        return hash(currentKeyId, tenant, contactPoint);
    }

    /** Every form under which {@code contactPoint} may have been stored: each key's, then the legacy SHA-256. */
    public List<String> candidates(String tenant, ContactPoint contactPoint) {
        List<String> hashes = new ArrayList<>();
        keys.keySet().forEach(kid -> hashes.add(hash(kid, tenant, contactPoint)));
        hashes.add(legacy(tenant, contactPoint));
        hashes.add(ofRef(tenant, contactPoint));
        return hashes;
    }

    /** The suppression of {@code contactPoint}'s reference ({@link #REF_PREFIX}), as an erasure received names it. */
    public static String ofRef(String tenant, ContactPoint contactPoint) {
        return REF_PREFIX + org.guestcrm.platform.domain.ContactPointRef.of(tenant, contactPoint.kind().name(), contactPoint.value());
    }

    private String hash(String kid, String tenant, ContactPoint contactPoint) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(kid), "HmacSHA256"));
            byte[] digest = mac.doFinal(message(tenant, contactPoint).getBytes(StandardCharsets.UTF_8));
            return "hmac1:" + kid + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The unsalted form of the rows written before keyed hashes: {@code sha256:} + hex. */
    public static String legacy(String tenant, ContactPoint contactPoint) {
        return "sha256:" + sha256(message(tenant, contactPoint));
    }

    /** The key id of a stored hash ({@code sha256} for the legacy form). */
    public static String keyIdOf(String hash) {
        if (hash.startsWith(REF_PREFIX)) {
            return "ref";
        }
        if (hash.startsWith("hmac1:")) {
            int end = hash.indexOf(':', 6);
            return end > 6 ? hash.substring(6, end) : "unknown";
        }
        return "sha256";
    }

    private static String message(String tenant, ContactPoint contactPoint) {
        return tenant + '\0' + contactPoint.kind().name() + '\0' + contactPoint.value();
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
