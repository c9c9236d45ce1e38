package org.guestcrm.connector.domain;

import java.time.Instant;

/**
 * A change of a PMS guest profile sent on its own (OTA_ProfileCreateRQ, OTA_ProfileModifyRQ, OTA_ProfileMergeRQ):
 * the profile's state after the change, or for a profile the PMS merged away, only its id and the survivor's.
 *
 * @param profile        the state after the change (for a merged-away profile only {@code pmsProfileId} is set)
 * @param mergedInto     the surviving profile's id when the PMS merged this one into it, else null
 * @param versionTime    PMS time of the change (Profile@LastModifyDateTime, else the root TimeStamp); null = receive time
 * @param pmsSequence    the message's SequenceNmbr, carried on the event (profiles are ordered by version time)
 */
public record ProfileChange(GuestProfile profile, String mergedInto, Instant versionTime, Long pmsSequence) {

    public boolean isMerge() {
        return mergedInto != null;
    }

    /** The profile a merge made obsolete: nothing but its id. */
    public static GuestProfile obsolete(String pmsProfileId) {
        return new GuestProfile(pmsProfileId, false, false, null, null, null, null, null, null, null, null, null,
                java.util.List.of(), java.util.List.of(), java.util.List.of(), null, null, null, null);
    }
}
