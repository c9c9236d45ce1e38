package org.guestcrm.connector.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signature a PMS puts on a push: {@code X-Signature: sha256=<hex>} over
 * {@code <X-Signature-Timestamp> "." <raw body>}, the timestamp in Unix seconds. Comparison is in constant time.
 */
public final class RequestSignature {

    public static final String SIGNATURE_HEADER = "X-Signature";
    public static final String TIMESTAMP_HEADER = "X-Signature-Timestamp";
    private static final Pattern SIGNATURE = Pattern.compile("(sha256=)?[0-9a-fA-F]{64}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");

    private RequestSignature() {
    }

    /** The signature header's value for a body signed at {@code epochSeconds} with {@code secret}. */
    public static String sign(byte[] secret, long epochSeconds, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(mac(secret, epochSeconds, body));
    }

    /** The timestamp header as Unix seconds, or null when it is not one. */
    public static Long parseTimestamp(String header) {
        if (header == null || !TIMESTAMP.matcher(header.trim()).matches()) {
            return null;
        }
        return Long.parseLong(header.trim());
    }

    /** The presented signature's bytes, or null when the header is not {@code sha256=<64 hex digits>}. */
    public static byte[] parseSignature(String header) {
        if (header == null || !SIGNATURE.matcher(header.trim()).matches()) {
            return null;
        }
        String hex = header.trim();
        return HexFormat.of().parseHex(hex.substring(hex.length() - 64));
    }

    public static boolean matches(byte[] secret, long epochSeconds, byte[] body, byte[] presented) {
        return presented != null && MessageDigest.isEqual(mac(secret, epochSeconds, body), presented);
    }

    private static byte[] mac(byte[] secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
