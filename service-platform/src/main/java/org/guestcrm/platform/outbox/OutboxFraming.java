package org.guestcrm.platform.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How an outbox row stores extra Kafka headers beside the record's wire bytes, in the same {@code payload} column (no
 * migration in any service): a row with headers starts with the marker byte {@code 0x01}, then the length of the header
 * block (2 bytes, big-endian), the block ({@code name=value} lines in UTF-8), then the registry's wire bytes as usual.
 * Wire bytes themselves start with the registry's magic byte {@code 0x00} and the oldest rows with Avro's single-object
 * marker {@code C3 01}, so the three can never be confused. Only the relay reads it; consumers see ordinary headers.
 */
final class OutboxFraming {

    static final byte MARKER = 0x01;
    private static final int MAX_BLOCK = 4096;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** Names the relay sets itself: a service cannot override them. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("event-id", "event-type", "correlation-id");

    /** A stored payload taken apart. */
    record Framed(Map<String, String> headers, byte[] wire) {
    }

    private OutboxFraming() {
    }

    /** {@code wire} unchanged when there are no headers; else marker, block length, block, wire. */
    static byte[] frame(Map<String, String> headers, byte[] wire) {
        if (headers.isEmpty()) {
            return wire;
        }
        StringBuilder block = new StringBuilder();
        headers.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches() || RESERVED.contains(name)) {
                throw new IllegalArgumentException("Not an outbox header name: " + name
                        + " (lower case letters, digits and '-', not one the relay sets)");
            }
            if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("The value of outbox header " + name + " is missing or has a line break");
            }
            block.append(name).append('=').append(value).append('\n');
        });
        byte[] bytes = block.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BLOCK) {
            throw new IllegalArgumentException("Outbox headers take " + bytes.length + " bytes, more than " + MAX_BLOCK);
        }
        return ByteBuffer.allocate(3 + bytes.length + wire.length).put(MARKER).putShort((short) bytes.length).put(bytes)
                .put(wire).array();
    }

    /** The headers and the wire bytes of a stored payload; a payload without the marker is all wire bytes. */
    static Framed unframe(byte[] payload) {
        if (payload == null || payload.length < 3 || payload[0] != MARKER) {
            return new Framed(Map.of(), payload);
        }
        int length = ((payload[1] & 0xff) << 8) | (payload[2] & 0xff);
        if (3 + length > payload.length) {
            throw new IllegalArgumentException("Outbox payload framing is torn: a header block of " + length
                    + " bytes in a payload of " + payload.length);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : new String(payload, 3, length, StandardCharsets.UTF_8).split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                headers.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return new Framed(headers, Arrays.copyOfRange(payload, 3 + length, payload.length));
    }
}
