package org.guestcrm.connector.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.ota.OtaReservationParser;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChanged;
import org.junit.jupiter.api.Test;

/**
 * The one-encoding content hash of history records must be exactly {@link PmsEventMapper#contentSha256} (the hashes
 * held in aggregate_version compare with it) and its datum exactly the wire datum the serde's header is put before.
 */
class HistoryRecordEncodingTest {

    static final String SAMPLE = Samples.otaHotelResNotif();

    private final Reservation reservation = new OtaReservationParser().parse(SAMPLE.getBytes(StandardCharsets.UTF_8))
            .reservations().getFirst().reservation();
    private final PmsEventMapper.Origin origin = new PmsEventMapper.Origin("demo", "demo-ota",
            EventIds.messageId("demo-ota", Tokens.sha256Hex(SAMPLE)), Instant.parse("2026-01-01T00:00:00Z"), "USD");

    private ReservationChanged reservationEvent() {
        return PmsEventMapper.toReservationChanged(reservation, UUID.randomUUID(), origin);
    }

    private GuestProfileChanged profileEvent() {
        return PmsEventMapper.toGuestProfileChanged(reservation.guests().getFirst(), reservation, UUID.randomUUID(),
                origin);
    }

    private static void sameAsTheNeutralCopy(SpecificRecord record) {
        String expected = record instanceof ReservationChanged r ? PmsEventMapper.contentSha256(r)
                : PmsEventMapper.contentSha256((GuestProfileChanged) record);
        HistoryRecordEncoding.Encoded encoded = HistoryRecordEncoding.encode(record);
        byte[] datum = encoded.datum();
        assertEquals(expected, encoded.contentSha256(), "content hash of " + record);
        assertArrayEquals(InboundMessageIntake.datum(record), datum, "wire datum of " + record);
    }

    @Test
    void reservationsHashAsTheirNeutralCopyWhateverTheirVersionFieldsAndReferenceOrder() {
        HistoryRecordEncoding.forgetChecks();
        ReservationChanged plain = reservationEvent();
        sameAsTheNeutralCopy(plain);
        assertEquals(Optional.of(true), HistoryRecordEncoding.checked(ReservationChanged.class),
                "the first record was checked against the second encoding and found equal");

        ReservationChanged versioned = reservationEvent();
        versioned.put("pmsSequence", 42L);
        versioned.put("pmsModifiedAt", Instant.parse("2026-03-04T05:06:07.123Z"));
        versioned.put("cancelledAt", Instant.parse("2026-03-05T00:00:00Z"));
        sameAsTheNeutralCopy(versioned);

        Map<String, String> reversed = new LinkedHashMap<>();
        for (String key : List.of("zeta", "mu", "beta", "alpha", "a")) {
            reversed.put(key, key.toUpperCase(java.util.Locale.ROOT));
        }
        ReservationChanged unordered = reservationEvent();
        unordered.put("externalReferences", reversed);
        sameAsTheNeutralCopy(unordered);
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            many.put("ref-" + (i * 7919 % 97), "v" + i);
        }
        unordered.put("externalReferences", many);
        sameAsTheNeutralCopy(unordered);
        unordered.put("externalReferences", new java.util.TreeMap<>(many));
        sameAsTheNeutralCopy(unordered);
        unordered.put("externalReferences", Map.of("only", "one"));
        sameAsTheNeutralCopy(unordered);
    }

    @Test
    void profilesHashAsTheirNeutralCopyWhateverTheirEnvelopeAndPreferenceOrder() {
        HistoryRecordEncoding.forgetChecks();
        GuestProfileChanged plain = profileEvent();
        sameAsTheNeutralCopy(plain);
        assertEquals(Optional.of(true), HistoryRecordEncoding.checked(GuestProfileChanged.class));
        GuestProfileChanged changed = profileEvent();
        changed.put("pmsSequence", 7L);
        changed.put("pmsUpdatedAt", Instant.parse("2025-12-31T23:59:59Z"));
        Map<String, String> preferences = new LinkedHashMap<>();
        preferences.put("ROOM:floor", "high");
        preferences.put("DIET", "vegan");
        preferences.put("INTEREST:golf", "yes");
        changed.put("preferences", preferences);
        sameAsTheNeutralCopy(changed);
        // the envelope is not content: two envelopes, one hash
        GuestProfileChanged other = GuestProfileChanged.newBuilder(changed).setMetadata(reservationEvent().getMetadata())
                .build();
        assertEquals(HistoryRecordEncoding.encode(changed).contentSha256(),
                HistoryRecordEncoding.encode(other).contentSha256());
    }

    @Test
    void anotherContentHashesOtherwise() {
        ReservationChanged one = reservationEvent();
        ReservationChanged two = ReservationChanged.newBuilder(one).setRoomNumber("999").build();
        String first = HistoryRecordEncoding.encode(one).contentSha256();
        assertEquals(PmsEventMapper.contentSha256(two), HistoryRecordEncoding.encode(two).contentSha256());
        org.junit.jupiter.api.Assertions.assertNotEquals(first, HistoryRecordEncoding.encode(two).contentSha256());
    }

    /**
     * Every union of the two schemas is [null, X]: the writer picks its branch from the datum (null or not); the bytes
     * must be Avro's own resolution's, with every nullable field (top level and inside the union-held records) null,
     * and with every one holding a value of its branch.
     */
    @Test
    void everyNullableFieldNullOrSetWritesAvrosOwnBytes() {
        HistoryRecordEncoding.forgetChecks();
        for (SpecificRecord record : List.<SpecificRecord>of(reservationEvent(), profileEvent())) {
            SpecificRecord nulls = copyOf(record);
            int unions = 0;
            for (org.apache.avro.Schema.Field f : nulls.getSchema().getFields()) {
                if (f.schema().getType() == org.apache.avro.Schema.Type.UNION) {
                    nulls.put(f.pos(), null);
                    unions++;
                }
            }
            org.junit.jupiter.api.Assertions.assertTrue(unions > 5, "unions in " + nulls.getSchema().getName());
            sameAsTheNeutralCopy(nulls);

            SpecificRecord filled = copyOf(record);
            fill(filled);
            for (org.apache.avro.Schema.Field f : filled.getSchema().getFields()) {
                if (f.schema().getType() == org.apache.avro.Schema.Type.UNION) {
                    org.junit.jupiter.api.Assertions.assertNotNull(filled.get(f.pos()), f.name());
                }
            }
            sameAsTheNeutralCopy(filled);
        }
    }

    private static SpecificRecord copyOf(SpecificRecord record) {
        return org.apache.avro.specific.SpecificData.getForClass(record.getClass()).deepCopy(record.getSchema(), record);
    }

    /** Every nullable field of {@code record} given a value of its branch (a record branch: a new record, filled). */
    private static void fill(org.apache.avro.generic.IndexedRecord record) {
        for (org.apache.avro.Schema.Field f : record.getSchema().getFields()) {
            org.apache.avro.Schema schema = f.schema();
            if (schema.getType() == org.apache.avro.Schema.Type.UNION) {
                org.apache.avro.Schema branch = schema.getTypes().stream()
                        .filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL).findFirst().orElseThrow();
                record.put(f.pos(), valueOf(branch, f.pos()));
            } else if (record.get(f.pos()) == null) {
                record.put(f.pos(), valueOf(schema, f.pos()));
            }
        }
    }

    private static Object valueOf(org.apache.avro.Schema schema, int pos) {
        String logical = schema.getLogicalType() == null ? "" : schema.getLogicalType().getName();
        return switch (schema.getType()) {
            case STRING -> "value-" + pos;
            case LONG -> logical.equals("timestamp-millis") ? Instant.ofEpochMilli(1_767_225_600_123L + pos) : 40L + pos;
            case INT -> logical.equals("date") ? java.time.LocalDate.of(2026, 1, 1).plusDays(pos) : 7 + pos;
            case BOOLEAN -> pos % 2 == 0;
            case BYTES -> new java.math.BigDecimal("123.4500");
            case RECORD -> {
                org.apache.avro.generic.IndexedRecord nested = (org.apache.avro.generic.IndexedRecord)
                        org.apache.avro.specific.SpecificData.get().newRecord(null, schema);
                fill(nested);
                yield nested;
            }
            default -> throw new IllegalStateException("no test value for " + schema);
        };
    }
}
