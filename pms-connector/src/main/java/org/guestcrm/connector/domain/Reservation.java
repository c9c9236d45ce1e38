package org.guestcrm.connector.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A reservation's state after a change, as one PMS message described it: the plain domain form
 * between a feed adapter (OpenTravel XML, canonical JSON) and the Avro events.
 */
public record Reservation(
        String hotelCode,
        String hotelName,
        String chainCode,
        String pmsReservationId,
        Map<String, String> externalReferences,
        ReservationStatus status,
        ReservationChangeType changeType,
        LocalDate arrival,
        LocalDate departure,
        Long pmsSequence,
        Instant pmsModifiedAt,
        Instant createdAt,
        Instant cancelledAt,
        String cancellationReason,
        Amount totalAmount,
        Boolean totalAmountIncludesTax,
        String origin,
        String channel,
        String marketSegment,
        String sourceCode,
        String ratePlanCode,
        String roomTypeCode,
        String roomNumber,
        int adults,
        int children,
        List<String> comments,
        List<ExtraService> extraServices,
        List<GuestProfile> guests) {

    public Reservation {
        externalReferences = Map.copyOf(externalReferences);
        comments = List.copyOf(comments);
        extraServices = List.copyOf(extraServices);
        guests = List.copyOf(guests);
    }
}
