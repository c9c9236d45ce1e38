package org.guestcrm.optout.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where a consent holds: {@code TENANT} (every hotel of the group), or, where the tenant wants narrower scopes, one
 * brand ({@code BRAND:<code>}) or one hotel ({@code HOTEL:<code>}). A hotel's marketing may go out when the consent of
 * the tenant and of the hotel's own scope allow it: an opt-out in either stops it (so a tenant-scope opt-out stops all
 * hotels, a hotel's opt-out only that hotel, or only its brand), a grant in either allows it when neither withdrew.
 */
public final class ConsentScope {

    public static final String TENANT = "TENANT";

    private ConsentScope() {
    }

    public static String hotel(String hotelCode) {
        return "HOTEL:" + hotelCode;
    }

    public static String brand(String brandCode) {
        return "BRAND:" + brandCode;
    }

    public static boolean isTenant(String scope) {
        return scope == null || TENANT.equals(scope);
    }

    /** The current consent of one contact point, channel and purpose in one scope. */
    public record ScopedState(String scope, ConsentStatus status, ConsentSource source, java.time.Instant effectiveAt) {
    }

    /**
     * The consent that holds in {@code scope} (a hotel's or brand's, or TENANT) from the states of the tenant scope and
     * of {@code scope}: WITHDRAWN if either withdrew (the newest withdrawal decides), else GRANTED if either granted
     * (the newest grant), else nothing. States of other scopes (another hotel's) are not looked at.
     */
    public static Optional<ScopedState> effective(List<ScopedState> states, String scope) {
        List<ScopedState> applicable = states.stream()
                .filter(s -> isTenant(s.scope()) || s.scope().equals(scope)).toList();
        Comparator<ScopedState> newest = Comparator.comparing(ScopedState::effectiveAt);
        Optional<ScopedState> withdrawn = applicable.stream().filter(s -> s.status() == ConsentStatus.WITHDRAWN).max(newest);
        return withdrawn.isPresent() ? withdrawn
                : applicable.stream().filter(s -> s.status() == ConsentStatus.GRANTED).max(newest);
    }
}
