package org.guestcrm.profile.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How far a source profile is trusted for the golden record (survivorship's first criterion): what the guest keeps
 * up to date himself (direct booking, loyalty account) beats what the front desk typed, which beats what an OTA relayed.
 */
public enum SourceTrust {
    /** The guest's own booking on the hotel's website or app. */
    DIRECT(3),
    /** A loyalty member's profile (the guest maintains it). */
    LOYALTY(3),
    /** Typed by hotel staff (the default for a PMS profile). */
    FRONT_DESK(2),
    /** Relayed by an online travel agency or channel manager. */
    OTA(1);

    private final int rank;

    SourceTrust(int rank) {
        this.rank = rank;
    }

    /** Higher is more trusted; DIRECT and LOYALTY rank alike. */
    public int rank() {
        return rank;
    }

    /**
     * The trust of a profile from feed {@code pmsSystem}: the feed's configured trust (by feed id, case-insensitive),
     * else {@link #FRONT_DESK}; a profile carrying a loyalty number is at least {@link #LOYALTY}.
     */
    public static SourceTrust of(Map<String, SourceTrust> byFeed, String pmsSystem, String loyaltyNumber) {
        SourceTrust feed = Optional.ofNullable(pmsSystem)
                .map(s -> byFeed.getOrDefault(s, byFeed.get(s.toLowerCase(Locale.ROOT))))
                .orElse(FRONT_DESK);
        boolean loyal = loyaltyNumber != null && !loyaltyNumber.isBlank();
        return loyal && LOYALTY.rank > feed.rank ? LOYALTY : feed;
    }
}
