package org.guestcrm.desk.it;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;

/** One reservation of a fresh tenant (tests never see each other's data), as a PMS connector would send it. */
record Stay(String tenant, String hotelCode, String reservationId, String email, LocalDate arrival, LocalDate departure) {

    static Stay unique(String hotelCode) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        LocalDate arrival = LocalDate.now().plusDays(40);
        return new Stay("tenant-" + suffix, hotelCode, "R" + suffix, "guest-" + suffix + "@example.com", arrival,
                arrival.plusDays(3));
    }

    Stay inTenant(String otherTenant) {
        return new Stay(otherTenant, hotelCode, reservationId, email, arrival, departure);
    }

    Stay withEmail(String otherEmail) {
        return new Stay(tenant, hotelCode, reservationId, otherEmail, arrival, departure);
    }

    Stay withReservation(String otherReservationId) {
        return new Stay(tenant, hotelCode, otherReservationId, email, arrival, departure);
    }

    String key() {
        return tenant + ":" + hotelCode + ":" + reservationId;
    }

    ReservationChanged snapshot(long sequence, ReservationStatus status, Instant at) {
        return snapshot(sequence, status, at, false);
    }

    ReservationChanged snapshot(long sequence, ReservationStatus status, Instant at, boolean history) {
        ReservationChangeType change = switch (status) {
            case CANCELLED -> ReservationChangeType.CANCELLED;
            default -> sequence == 1 ? ReservationChangeType.CREATED : ReservationChangeType.MODIFIED;
        };
        return ReservationChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setEventType("ReservationChanged")
                        .setOccurredAt(at)
                        .setSource("test-pms")
                        .setTenantId(tenant)
                        .setCorrelationId("corr-" + UUID.randomUUID())
                        .setSchemaVersion(1)
                        .setHistory(history)
                        .build())
                .setChangeType(change)
                .setPmsSystem("test-pms")
                .setHotelCode(hotelCode)
                .setHotelName("Hotel Spree")
                .setPmsReservationId(reservationId)
                .setPmsSequence(sequence)
                .setPmsModifiedAt(at)
                .setCreatedAt(at)
                .setStatus(status)
                .setArrival(arrival)
                .setDeparture(departure)
                .setAdults(2)
                .setGuests(new ArrayList<>(List.of(ReservationGuest.newBuilder()
                        .setPmsProfileId("P-" + reservationId)
                        .setPrimary(true)
                        .setFirstName("Greta")
                        .setLastName("Spreewald")
                        .setEmail(email)
                        .setPhone("+49 30 1234567")
                        .setLanguage("de")
                        .build())))
                .build();
    }
}
