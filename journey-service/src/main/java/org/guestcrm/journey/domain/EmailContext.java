package org.guestcrm.journey.domain;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What an e-mail of the journey says: the reservation, the hotel, the guest's name (may be null) and language tag, and
 * the booking terms a modification notice repeats (room type, rate plan, adults, children: null when unknown).
 */
public record EmailContext(String pmsReservationId, String hotelName, LocalDate arrival, LocalDate departure,
                           String guestName, String languageTag, String roomTypeCode, String ratePlanCode,
                           Integer adults, Integer children) {

    public EmailContext {
        Objects.requireNonNull(pmsReservationId, "pmsReservationId");
        Objects.requireNonNull(hotelName, "hotelName");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(departure, "departure");
    }

    /** Without booking terms. */
    public EmailContext(String pmsReservationId, String hotelName, LocalDate arrival, LocalDate departure,
                        String guestName, String languageTag) {
        this(pmsReservationId, hotelName, arrival, departure, guestName, languageTag, null, null, null, null);
    }
}
