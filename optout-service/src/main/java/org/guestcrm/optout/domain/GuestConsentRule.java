package org.guestcrm.optout.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consent of a guest (a golden record, possibly merged from several) from the consents of its contact points: per
 * channel and purpose, the most restrictive of its contact points' states. One contact point that withdrew withdraws
 * the guest (the same person said no); the guest is granted only where some contact point granted and none withdrew. A
 * contact point that said nothing restricts nothing and grants nothing (no consent, and no opt-out, is invented).
 */
public final class GuestConsentRule {

    /** The current consent of one contact point for one channel and purpose. */
    public record PointState(String contactPoint, ConsentChannel channel, ConsentPurpose purpose, ConsentStatus status,
            ConsentSource source, Instant effectiveAt) {
    }

    /** The guest's consent for one channel and purpose, and the contact point state that decided it. */
    public record GuestState(ConsentChannel channel, ConsentPurpose purpose, ConsentStatus status, PointState decidedBy) {
    }

    /**
     * Per channel and purpose present in {@code states}: WITHDRAWN if any contact point withdrew (decided by the
     * newest withdrawal), else GRANTED (decided by the newest grant). Ordered by channel, then purpose.
     */
    public List<GuestState> decide(List<PointState> states) {
        record Key(ConsentChannel channel, ConsentPurpose purpose) {
        }
        Map<Key, PointState> deciding = new LinkedHashMap<>();
        for (PointState state : states) {
            Key key = new Key(state.channel(), state.purpose());
            PointState current = deciding.get(key);
            if (current == null || restrictsMore(state, current)) {
                deciding.put(key, state);
            }
        }
        List<GuestState> result = new ArrayList<>();
        deciding.forEach((key, state) -> result.add(new GuestState(key.channel(), key.purpose(), state.status(), state)));
        result.sort(Comparator.comparing(GuestState::channel).thenComparing(GuestState::purpose));
        return result;
    }

    private static boolean restrictsMore(PointState candidate, PointState current) {
        if (candidate.status() != current.status()) {
            return candidate.status() == ConsentStatus.WITHDRAWN;
        }
        return candidate.effectiveAt().isAfter(current.effectiveAt());
    }
}
