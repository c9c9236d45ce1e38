package org.guestcrm.connector.domain;

import java.time.Instant;

/**
 * A cancellation that names its reservation by id only (OTA_CancelRQ; an AlpineBits cancellation): the connector
 * applies it to the last state it emitted of that reservation.
 *
 * @param hotelCode        the hotel when the message names it, else null (then looked up by the reservation id)
 * @param pmsReservationId the reservation
 * @param pmsSequence      the message's SequenceNmbr, or null
 * @param cancelledAt      PMS time of the cancellation (root TimeStamp), or null (= receive time)
 * @param reason           the PMS's reason text, or null
 */
public record ReservationCancellation(String hotelCode, String pmsReservationId, Long pmsSequence, Instant cancelledAt,
                                      String reason) {
}
