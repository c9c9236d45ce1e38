package org.guestcrm.connector.ota;

import java.util.List;

import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.Reservation;

/**
 * A valid OTA reservation push, mapped to the domain.
 *
 * @param cardFreeXml the request re-serialised without any PaymentCard element (safe to store)
 * @param warnings    optional fields dropped because their values are malformed (answered as OTA Warnings)
 */
public record ParsedOtaMessage(OtaEnvelope envelope, List<ParsedReservation> reservations, String cardFreeXml,
                               List<FieldWarning> warnings) {

    public record ParsedReservation(Reservation reservation, List<OtaReservationId> reservationIds) {
    }
}
