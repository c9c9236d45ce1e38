package org.guestcrm.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Signed, scoped, expiring tokens for the guest-facing links (unsubscribe, preference centre, survey): the only
 * entries that take no staff token. A link token is {@code v1.<keyId>.<payload>.<mac>}: the payload (base64url) holds
 * scope, tenant, subject and expiry; the mac is HMAC-SHA256 over everything before it with the key {@code keyId}.
 * Keys rotate without breaking links already sent: sign with the current key, verify with any key still configured.
 *
 * <p>Configuration (secrets from the environment only): {@code guestcrm.signed-links.keys} =
 * {@code kid1:base64secret,kid2:base64secret} (each secret at least 32 bytes), {@code guestcrm.signed-links.current-key}
 * = the id to sign with.
 */
public final class SignedLinks {

    private static final String VERSION = "v1";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern TOKEN = Pattern.compile("v1\\.[A-Za-z0-9_-]{1,32}\\.[A-Za-z0-9_-]{1,1024}\\.[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    private final Map<String, byte[]> keys;
    private final String currentKey;
    private final Clock clock;

    /** What a link grants: one scope (e.g. {@code unsubscribe}), for one subject of one tenant, until it expires. */
    public record Grant(String scope, String tenant, String subject, Instant expiresAt) {
        public Grant {
            for (String field : new String[] {scope, tenant, subject}) {
                Objects.requireNonNull(field);
                if (field.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("A link field cannot hold a line break");
                }
            }
            Objects.requireNonNull(expiresAt);
        }
    }

    /** Why a link was refused; the reason is safe to show and to log. */
    public static final class InvalidLinkException extends RuntimeException {
        private final String reason;

        InvalidLinkException(String reason) {
            super("link refused: " + reason);
            this.reason = reason;
        }

        /** malformed, unknown-key, bad-signature, expired or wrong-scope. */
        public String reason() {
            return reason;
        }
    }

    public SignedLinks(Map<String, byte[]> keys, String currentKey, Clock clock) {
        if (!keys.containsKey(currentKey)) {
            throw new IllegalArgumentException("The current signing key " + currentKey + " is not among the keys");
        }
        keys.forEach((id, secret) -> {
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("Key id " + id + " must be 1-32 of [A-Za-z0-9_-]");
            }
            if (secret.length < 32) {
                throw new IllegalArgumentException("Key " + id + " is shorter than 32 bytes");
            }
        });
        this.keys = Map.copyOf(keys);
        this.currentKey = currentKey;
        this.clock = clock;
    }

    /** From {@code guestcrm.signed-links.keys} and {@code guestcrm.signed-links.current-key}. */
    public static SignedLinks fromConfig() {
        var config = ConfigProvider.getConfig();
        String spec = config.getOptionalValue("guestcrm.signed-links.keys", String.class)
                .orElseThrow(() -> new IllegalStateException("guestcrm.signed-links.keys is not set"));
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("guestcrm.signed-links.keys: each entry is keyId:base64secret");
            }
            keys.put(entry.substring(0, colon).trim(), Base64.getDecoder().decode(entry.substring(colon + 1).trim()));
        }
        String current = config.getOptionalValue("guestcrm.signed-links.current-key", String.class)
                .orElse(keys.keySet().iterator().next());
        return new SignedLinks(keys, current, Clock.systemUTC());
    }

    public String sign(Grant grant) {
        String payload = B64.encodeToString((grant.scope() + "\n" + grant.tenant() + "\n" + grant.subject() + "\n"
                + grant.expiresAt().getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        String signed = VERSION + "." + currentKey + "." + payload;
        return signed + "." + B64.encodeToString(mac(keys.get(currentKey), signed));
    }

    public String sign(String scope, String tenant, String subject, Duration validFor) {
        return sign(new Grant(scope, tenant, subject, clock.instant().plus(validFor)));
    }

    /** The grant of a valid, unexpired link of {@code expectedScope}; else {@link InvalidLinkException}. */
    public Grant verify(String token, String expectedScope) {
        if (token == null || token.length() > 1200 || !TOKEN.matcher(token).matches()) {
            throw new InvalidLinkException("malformed");
        }
        int lastDot = token.lastIndexOf('.');
        String signed = token.substring(0, lastDot);
        String[] parts = signed.split("\\.");
        byte[] key = keys.get(parts[1]);
        if (key == null) {
            throw new InvalidLinkException("unknown-key");
        }
        byte[] given;
        try {
            given = UNB64.decode(token.substring(lastDot + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("malformed");
        }
        if (!MessageDigest.isEqual(mac(key, signed), given)) {
            throw new InvalidLinkException("bad-signature");
        }
        String[] fields;
        try {
            fields = new String(UNB64.decode(parts[2]), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            throw new InvalidLinkException("malformed");
        }
        if (fields.length != 4) {
            throw new InvalidLinkException("malformed");
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(Long.parseLong(fields[3]));
        } catch (RuntimeException e) {
            throw new InvalidLinkException("malformed");
        }
        if (!clock.instant().isBefore(expiresAt)) {
            throw new InvalidLinkException("expired");
        }
        if (!fields[0].equals(expectedScope)) {
            throw new InvalidLinkException("wrong-scope");
        }
        return new Grant(fields[0], fields[1], fields[2], expiresAt);
    }

    private static byte[] mac(byte[] key, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
