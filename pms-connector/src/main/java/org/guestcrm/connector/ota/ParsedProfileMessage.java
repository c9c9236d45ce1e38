package org.guestcrm.connector.ota;

import java.util.List;

import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.ProfileChange;

/**
 * A valid OTA_ProfileCreateRQ / OTA_ProfileModifyRQ / OTA_ProfileMergeRQ mapped to the domain: for a merge the
 * obsolete profiles' MERGED_INTO_OTHER changes first, then the survivor's state (when the message carries it).
 *
 * @param echoedId       the profile's UniqueID, answered in the RS
 * @param retransmission the sender's RetransmissionIndicator
 */
public record ParsedProfileMessage(OtaEnvelope envelope, List<ProfileChange> changes, OtaUniqueId echoedId,
                                   boolean retransmission, String cardFreeXml, List<FieldWarning> warnings) {
}
