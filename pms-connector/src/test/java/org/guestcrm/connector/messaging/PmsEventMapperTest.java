package org.guestcrm.connector.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.EventIds;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.ota.OtaReservationParser;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.junit.jupiter.api.Test;

class PmsEventMapperTest {

    static final String SAMPLE = Samples.otaHotelResNotif();

    private final Reservation reservation = new OtaReservationParser().parse(SAMPLE.getBytes(StandardCharsets.UTF_8))
            .reservations().getFirst().reservation();
    private final UUID messageId = EventIds.messageId("demo-ota", Tokens.sha256Hex(SAMPLE));
    private final PmsEventMapper.Origin origin = new PmsEventMapper.Origin("demo", "demo-ota", messageId,
            Instant.parse("2026-01-01T00:00:00Z"), "USD");

    /**
     * The content hash is the SHA-256 of a neutral copy's single-object encoding (what aggregate_version holds since
     * V12); computed without the copy now, it must stay exactly that, and leave the event as it was.
     */
    @Test
    void theContentHashIsTheNeutralCopysAndLeavesTheEventUnchanged() throws Exception {
        UUID eventId = EventIds.eventId("demo-ota", Tokens.sha256Hex(SAMPLE), 0);
        ReservationChanged event = PmsEventMapper.toReservationChanged(reservation, eventId, origin);
        event.put("pmsSequence", 42L);
        event.put("externalReferences", new java.util.HashMap<>(java.util.Map.of("z", "1", "a", "2", "m", "3")));
        ReservationChanged before = ReservationChanged.newBuilder(event).build();
        ReservationChanged neutral = ReservationChanged.newBuilder(event)
                .setMetadata(org.guestcrm.events.EventMetadata.newBuilder().setEventId(new UUID(0, 0)).setEventType("")
                        .setOccurredAt(Instant.EPOCH).setSource("").setTenantId("").setCorrelationId("")
                        .setCausationId(null).setSchemaVersion(1).build())
                .setPmsSequence(null).setPmsModifiedAt(null).setCancelledAt(null)
                .setExternalReferences(new java.util.TreeMap<>(event.getExternalReferences())).build();
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        digest.update(neutral.toByteBuffer());
        assertEquals(java.util.HexFormat.of().formatHex(digest.digest()), PmsEventMapper.contentSha256(event));
        assertEquals(before, event, "the event is as it was");
        assertEquals(42L, event.getPmsSequence());
        GuestProfileChanged profile = PmsEventMapper.toGuestProfileChanged(reservation.guests().getFirst(), reservation,
                EventIds.eventId("demo-ota", Tokens.sha256Hex(SAMPLE), 1), origin);
        GuestProfileChanged profileBefore = GuestProfileChanged.newBuilder(profile).build();
        String first = PmsEventMapper.contentSha256(profile);
        assertEquals(profileBefore, profile);
        assertEquals(first, PmsEventMapper.contentSha256(GuestProfileChanged.newBuilder(profile)
                .setMetadata(before.getMetadata()).build()), "the envelope is not content");
    }

    @Test
    void theSampleBecomesAReservationChangedKeyedByTenantHotelAndReservation() throws Exception {
        UUID eventId = EventIds.eventId("demo-ota", Tokens.sha256Hex(SAMPLE), 0);
        ReservationChanged event = PmsEventMapper.toReservationChanged(reservation, eventId, origin);

        assertEquals("demo:WASJW:7865", PmsEventMapper.reservationKey("demo", reservation));
        assertEquals(eventId, event.getMetadata().getEventId());
        assertEquals("ReservationChanged", event.getMetadata().getEventType());
        assertEquals("demo-ota", event.getMetadata().getSource());
        assertEquals("demo", event.getMetadata().getTenantId());
        assertEquals(messageId.toString(), event.getMetadata().getCorrelationId());
        assertEquals(Instant.parse("2005-01-26T15:22:00Z"), event.getMetadata().getOccurredAt());
        assertEquals("demo-ota", event.getPmsSystem());
        assertEquals(ReservationChangeType.CREATED, event.getChangeType());
        assertEquals(ReservationStatus.CONFIRMED, event.getStatus());
        assertEquals(LocalDate.of(2005, 10, 18), event.getArrival());
        assertEquals(LocalDate.of(2005, 10, 20), event.getDeparture());
        assertEquals(new BigDecimal("560.0000"), event.getTotalAmount().getAmount());
        assertEquals("USD", event.getTotalAmount().getCurrency(), "the feed's default currency");
        assertEquals("david.dewberry@dewberrycorp.com", event.getGuests().getFirst().getEmail());
        assertEquals("7865-G1", event.getGuests().getFirst().getPmsProfileId());

        ByteBuffer bytes = event.toByteBuffer();
        assertEquals(event, ReservationChanged.fromByteBuffer(bytes), "the outbox form round-trips losslessly");
        assertFalse(new String(event.toByteBuffer().array(), StandardCharsets.ISO_8859_1).contains(Samples.CARD_NUMBER));
    }

    @Test
    void eachGuestBecomesAGuestProfileChangedKeyedByTenantFeedAndProfile() throws Exception {
        var guest = reservation.guests().getFirst();
        GuestProfileChanged event = PmsEventMapper.toGuestProfileChanged(guest, reservation,
                EventIds.eventId("demo-ota", "x", 1), origin);

        assertEquals("demo:demo-ota:7865-G1", PmsEventMapper.profileKey("demo", "demo-ota", guest));
        assertEquals("GuestProfileChanged", event.getMetadata().getEventType());
        assertEquals("Mr.", event.getTitle());
        assertEquals("David", event.getFirstName());
        assertEquals("Dewberry", event.getLastName());
        assertEquals("david.dewberry@dewberrycorp.com", event.getEmails().getFirst().getAddress());
        assertEquals("7245554321", event.getPhones().getFirst().getNumber());
        assertEquals("Latrobe", event.getAddresses().getFirst().getCity());
        assertEquals("USA", event.getAddresses().getFirst().getCountryName());
        assertEquals(null, event.getMarketingFlags());
        assertEquals(event, GuestProfileChanged.fromByteBuffer(event.toByteBuffer()));
        assertFalse(event.toString().contains(Samples.CARD_NUMBER));
    }

    @Test
    void eventIdsAreTheSameForARetransmissionAndDifferForAnotherBody() {
        String hash = Tokens.sha256Hex(SAMPLE);
        assertEquals(EventIds.eventId("demo-ota", hash, 0), EventIds.eventId("demo-ota", hash, 0));
        assertNotEquals(EventIds.eventId("demo-ota", hash, 0), EventIds.eventId("demo-ota", hash, 1));
        assertNotEquals(EventIds.eventId("demo-ota", hash, 0), EventIds.eventId("other-feed", hash, 0));
        assertNotEquals(EventIds.eventId("demo-ota", hash, 0), EventIds.eventId("demo-ota", Tokens.sha256Hex(SAMPLE + " "), 0));
    }

}
