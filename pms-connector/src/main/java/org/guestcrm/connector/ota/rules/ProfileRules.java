package org.guestcrm.connector.ota.rules;

import java.util.List;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.ReservationRules;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaRejection.Kind;

/** What makes a profile message unusable: its id (checked by {@link OtaEnvelopeRules#requiredId}) and the limits. */
public final class ProfileRules {

    private ProfileRules() {
    }

    /** Refuses a profile beyond {@link CanonicalLimits} (lengths, counts), naming the first field at fault. */
    public static void checkLimits(GuestProfile profile, String where) {
        List<ReservationRules.Violation> violations = CanonicalLimits.profileViolations(profile);
        if (!violations.isEmpty()) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + ": " + violations);
        }
    }

    /** A merge needs a survivor and at least one obsolete profile, none of them the survivor. */
    public static void checkMerge(String survivor, List<String> obsolete) {
        if (obsolete.isEmpty()) {
            throw new OtaRejection(Kind.MISSING, "ObsoleteProfileID@ID is required");
        }
        if (obsolete.contains(survivor)) {
            throw new OtaRejection(Kind.INVALID_VALUE, "ObsoleteProfileID@ID must differ from UniqueID@ID");
        }
        if (obsolete.size() > CanonicalLimits.CONTACTS_PER_GUEST) {
            throw new OtaRejection(Kind.TOO_LARGE, "the message has more than " + CanonicalLimits.CONTACTS_PER_GUEST
                    + " ObsoleteProfileID elements");
        }
    }
}
