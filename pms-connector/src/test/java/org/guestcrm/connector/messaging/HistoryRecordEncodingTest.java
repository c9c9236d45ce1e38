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
}
