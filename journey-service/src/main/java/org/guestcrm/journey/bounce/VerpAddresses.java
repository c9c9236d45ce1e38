package org.guestcrm.journey.bounce;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-message envelope senders (VERP, issue 9): {@code <localPart>+<token>@<domain>}, the token being the message's id
 * (32 hex digits) and the first 6 bytes of an HMAC-SHA256 of it (12 hex digits), lower case (mail systems may fold the
 * case of a local part), 44 characters: the local part stays within RFC 5321's 64. It names the message, never the
 * guest's address, and a report naming a token that does not verify (forged, or edited) names no message. Signed with
 * the keys of the signed links ({@code guestcrm.signed-links.keys}): the current key signs, every configured key
 * verifies, so a rotation does not orphan the bounces of mails already sent.
 */
public final class VerpAddresses {

    private static final HexFormat HEX = HexFormat.of();
    private static final int MAC_BYTES = 6;

    private final String localPart;
    private final String domain;
    private final byte[] currentKey;
    private final List<byte[]> keys;
    private final Pattern address;

    public VerpAddresses(String localPart, String domain, byte[] currentKey, List<byte[]> keys) {
        if (!localPart.matches("[A-Za-z0-9._-]{1,19}")) {
            throw new IllegalArgumentException("journey.bounces.local-part must be 1-19 of [A-Za-z0-9._-]");
        }
        if (!domain.matches("[A-Za-z0-9.-]{1,200}")) {
            throw new IllegalArgumentException("journey.bounces.domain must be a domain name");
        }
        this.localPart = localPart.toLowerCase(Locale.ROOT);
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.currentKey = currentKey.clone();
        this.keys = keys.stream().map(byte[]::clone).toList();
        this.address = Pattern.compile(Pattern.quote(this.localPart) + "\\+([0-9a-f]{44})@" + Pattern.quote(this.domain),
                Pattern.CASE_INSENSITIVE);
    }

    /** From {@code guestcrm.signed-links.keys} ({@code kid:base64,...}) and {@code .current-key}, as SignedLinks reads them. */
    public static VerpAddresses of(String localPart, String domain, String keySpec, Optional<String> currentKeyId) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : keySpec.split(",")) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("guestcrm.signed-links.keys: each entry is keyId:base64secret");
            }
            keys.put(entry.substring(0, colon).trim(), Base64.getDecoder().decode(entry.substring(colon + 1).trim()));
        }
        byte[] current = keys.get(currentKeyId.orElse(keys.keySet().iterator().next()));
        if (current == null) {
            throw new IllegalStateException("guestcrm.signed-links.current-key is not among the keys");
        }
        return new VerpAddresses(localPart, domain, current, new ArrayList<>(keys.values()));
    }

    /** The envelope sender of message {@code communicationId}. */
    public String addressOf(UUID communicationId) {
        String id = idHex(communicationId);
        return localPart + "+" + id + HEX.formatHex(mac(currentKey, id)) + "@" + domain;
    }

    /** The message a VERP address found anywhere in {@code text} names, when its token verifies. */
    public Optional<UUID> messageIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = address.matcher(text);
        while (matcher.find()) {
            String token = matcher.group(1).toLowerCase(Locale.ROOT);
            String id = token.substring(0, 32);
            byte[] given = HEX.parseHex(token.substring(32));
            for (byte[] key : keys) {
                if (MessageDigest.isEqual(mac(key, id), given)) {
                    return Optional.of(new UUID(Long.parseUnsignedLong(id.substring(0, 16), 16),
                            Long.parseUnsignedLong(id.substring(16), 16)));
                }
            }
        }
        return Optional.empty();
    }

    private static String idHex(UUID id) {
        return String.format("%016x%016x", id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    private static byte[] mac(byte[] key, String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] full = mac.doFinal(("verp\n" + id).getBytes(StandardCharsets.US_ASCII));
            return java.util.Arrays.copyOf(full, MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
