package org.guestcrm.profile.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The first deduplication rule: a new source profile joins an existing guest of the same tenant when one
 * of its normalised e-mail addresses is exactly one the guest already has. When several guests qualify,
 * the one matching the profile's primary (first) e-mail wins, then the oldest guest: deterministic, so
 * replicas and replays decide alike. Fuzzy matching, review and un-merge come later.
 */
public final class ExactEmailMatchRule {

    public static final String RULE_EXACT_EMAIL = "EXACT_EMAIL";
    public static final String RULE_NO_MATCH = "NO_MATCH";
    public static final String SAME_EMAIL = "same e-mail address";

    /**
     * @param profileEmails the new profile's normalised e-mail addresses, primary first
     * @param candidates    guests of the same tenant holding one of those addresses
     */
    public MatchDecision decide(List<String> profileEmails, List<MatchCandidate> candidates) {
        Objects.requireNonNull(profileEmails, "profileEmails");
        Objects.requireNonNull(candidates, "candidates");
        if (profileEmails.isEmpty()) {
            return new MatchDecision.CreateNewGuest(RULE_NO_MATCH, "no e-mail address to match on");
        }
        List<MatchCandidate> relevant = candidates.stream()
                .filter(c -> profileEmails.contains(c.matchedEmail()))
                .toList();
        if (relevant.isEmpty()) {
            return new MatchDecision.CreateNewGuest(RULE_NO_MATCH, "no guest of the tenant has the same e-mail address");
        }
        MatchCandidate chosen = relevant.stream()
                .min(Comparator.<MatchCandidate>comparingInt(c -> profileEmails.indexOf(c.matchedEmail()))
                        .thenComparing(MatchCandidate::guestCreatedAt)
                        .thenComparing(MatchCandidate::guestId))
                .orElseThrow();
        long otherGuests = relevant.stream().map(MatchCandidate::guestId).distinct()
                .filter(id -> !id.equals(chosen.guestId())).count();
        String explanation = otherGuests == 0
                ? SAME_EMAIL
                : SAME_EMAIL + " (" + otherGuests + " other guest(s) also matched; the primary address and then the oldest guest won)";
        return new MatchDecision.AttachToExistingGuest(chosen.guestId(), RULE_EXACT_EMAIL, explanation);
    }
}
