package org.guestcrm.connector.ota;

import java.util.List;

import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.ReservationCancellation;

/**
 * A valid OTA_CancelRQ mapped to the domain.
 *
 * @param cancellation   the cancellation to apply, or null when the CancelType does not cancel (Initiate, Quote, Ignore)
 * @param echoedId       the reservation's UniqueID, answered in the RS
 * @param retransmission the sender's RetransmissionIndicator
 */
public record ParsedCancelMessage(OtaEnvelope envelope, ReservationCancellation cancellation, OtaUniqueId echoedId,
                                  boolean retransmission, String cardFreeXml, List<FieldWarning> warnings) {
}
