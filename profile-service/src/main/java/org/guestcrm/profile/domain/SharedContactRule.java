package org.guestcrm.profile.domain;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.guestcrm.profile.domain.matching.Similarity;

/**
 * When an e-mail address or phone number is no longer one guest's: held by profiles of at least
 * {@code minUnrelatedNames} unrelated names in a tenant (a travel agent's or company's inbox, a hotel's switchboard
 * typed as the guest's phone). Names are unrelated when their surnames' Soundex codes differ, so a family sharing an
 * address and spelling variants of one name count once. Such a point is demoted: kept in the records that hold it, but
 * no longer merge evidence (no match feature, no blocking key) and never primary, with the count as the explanation.
 * The decision is sticky: a demoted point stays demoted (a reviewer can still merge by hand).
 */
public record SharedContactRule(int minUnrelatedNames) {

    public SharedContactRule {
        if (minUnrelatedNames < 2) {
            throw new IllegalArgumentException("minUnrelatedNames must be at least 2");
        }
    }

    /** The number of unrelated names among these surnames (normalised match surnames; null ones ignored). */
    public static int unrelatedNames(Collection<String> surnames) {
        Set<String> codes = new HashSet<>();
        for (String surname : surnames) {
            if (surname != null && !surname.isBlank()) {
                codes.add(Similarity.soundex(surname));
            }
        }
        return codes.size();
    }

    public boolean isShared(Collection<String> surnames) {
        return unrelatedNames(surnames) >= minUnrelatedNames;
    }
}
