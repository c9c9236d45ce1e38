package org.guestcrm.journey.domain;

import java.time.LocalDate;
import java.util.Objects;

/** What an e-mail of the journey says: the reservation, the hotel, the guest's name (may be null) and language tag. */
public record EmailContext(String pmsReservationId, String hotelName, LocalDate arrival, LocalDate departure,
                           String guestName, String languageTag) {

    public EmailContext {
        Objects.requireNonNull(pmsReservationId, "pmsReservationId");
        Objects.requireNonNull(hotelName, "hotelName");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(departure, "departure");
    }
}
