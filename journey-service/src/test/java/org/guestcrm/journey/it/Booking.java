package org.guestcrm.journey.it;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;

/** One reservation of a fresh tenant, so tests never see each other's data. */
public record Booking(String tenant, String hotelCode, String reservationId, String email) {

    public static Booking unique() {
        return unique("guest-");
    }

    /** A fresh booking whose guest address starts with {@code localPartPrefix} (a test SMTP server may script on it). */
    public static Booking unique(String localPartPrefix) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String reservationId = String.valueOf(ThreadLocalRandom.current().nextInt(1000, 9999)) + suffix.substring(0, 2);
        return new Booking("tenant-" + suffix, "SEEBLICK", reservationId, localPartPrefix + suffix + "@example.com");
    }

    public String key() {
        return tenant + ":" + hotelCode + ":" + reservationId;
    }

    public String communicationsPath() {
        return "/api/v1/reservations/" + tenant + "/" + hotelCode + "/" + reservationId + "/communications";
    }

    public ReservationChanged snapshot(long sequence, ReservationStatus status, LocalDate arrival, LocalDate departure) {
        ReservationChangeType changeType = switch (status) {
            case CANCELLED -> ReservationChangeType.CANCELLED;
            case NO_SHOW -> ReservationChangeType.NO_SHOW;
            default -> sequence == 1 ? ReservationChangeType.CREATED : ReservationChangeType.MODIFIED;
        };
        return snapshot(sequence, status, arrival, departure, changeType, false);
    }

    /**
     * A snapshot with the given change type; {@code history} sets metadata.history (a history import). No createdAt:
     * the PMS modification time (now) is the booking's age, as for PMSs that send no creation time.
     */
    public ReservationChanged snapshot(long sequence, ReservationStatus status, LocalDate arrival, LocalDate departure,
                                       ReservationChangeType changeType, boolean history) {
        return snapshot(sequence, status, arrival, departure, changeType, history, Instant.now());
    }

    /**
     * A snapshot made by the PMS at {@code modifiedAt} (its modification and event time), for tests that run the
     * service on a clock of their own: the booking's age is measured from it.
     */
    public ReservationChanged snapshot(long sequence, ReservationStatus status, LocalDate arrival, LocalDate departure,
                                       ReservationChangeType changeType, boolean history, Instant at) {
        Instant modifiedAt = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return ReservationChanged.newBuilder()
                .setMetadata(EventMetadata.newBuilder()
                        .setEventId(UUID.randomUUID())
                        .setEventType("ReservationChanged")
                        .setOccurredAt(modifiedAt)
                        .setSource("test-pms")
                        .setTenantId(tenant)
                        .setCorrelationId("corr-" + UUID.randomUUID())
                        .setCausationId(null)
                        .setSchemaVersion(1)
                        .setHistory(history)
                        .build())
                .setChangeType(changeType)
                .setPmsSystem("test-pms")
                .setHotelCode(hotelCode)
                .setHotelName("Hotel Seeblick")
                .setPmsReservationId(reservationId)
                .setPmsSequence(sequence)
                .setPmsModifiedAt(modifiedAt)
                .setStatus(status)
                .setArrival(arrival)
                .setDeparture(departure)
                .setGuests(new java.util.ArrayList<>(List.of(ReservationGuest.newBuilder()
                        .setPmsProfileId("P-" + reservationId)
                        .setPrimary(true)
                        .setFirstName("Anna")
                        .setLastName("Muster")
                        .setEmail(email)
                        .setLanguage("en")
                        .build())))
                .build();
    }
}
