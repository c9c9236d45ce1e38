package org.guestcrm.journey.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.junit.jupiter.api.Test;

/** The hotel of a guest's occasions: where crm.guests says the last stay was, else the first profile's hotel. */
class GuestOccasionHotelTest {

    private static GuestUpdated guest(String lastStayHotelCode, String... profileHotels) {
        return GuestUpdated.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("GuestUpdated")
                        .setOccurredAt(Instant.now()).setSource("test").setTenantId("t").setCorrelationId("corr-1")
                        .setCausationId(null).setSchemaVersion(1).build())
                .setGuestId("g-1").setVersion(1).setStayCount(2)
                .setSourceProfiles(java.util.Arrays.stream(profileHotels).map(h -> SourceProfileRef.newBuilder()
                        .setPmsSystem("pms").setPmsProfileId("p-" + h).setHotelCode(h).build()).toList())
                .setLastStayHotelCode(lastStayHotelCode)
                .build();
    }

    @Test
    void theLastStaysHotelWinsOverTheFirstProfilesHotel() {
        GuestDirectory.Guest held = GuestDirectoryHandler.guestOf(guest("LAKE", "CITY", "LAKE"));
        assertEquals("LAKE", held.occasionHotel());
        assertEquals(List.of("CITY", "LAKE"), held.hotelCodes());
        // A hotel only the last stay names is a hotel the guest stayed at (campaign segments too).
        GuestDirectory.Guest elsewhere = GuestDirectoryHandler.guestOf(guest("SPA", "CITY"));
        assertEquals("SPA", elsewhere.occasionHotel());
        assertEquals(List.of("CITY", "SPA"), elsewhere.hotelCodes());
    }

    @Test
    void withoutItTheFirstHotelAsBefore() {
        assertEquals("CITY", GuestDirectoryHandler.guestOf(guest(null, "CITY", "LAKE")).occasionHotel());
        assertEquals("CITY", GuestDirectoryHandler.guestOf(guest(" ", "CITY")).occasionHotel());
        assertEquals(null, GuestDirectoryHandler.guestOf(guest(null)).occasionHotel());
    }
}
