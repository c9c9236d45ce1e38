package org.guestcrm.journey.domain;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a consent state holds (crm.consents' {@code scope}): {@code TENANT} (the whole tenant), {@code HOTEL=<code>}
 * (one hotel) or {@code BRAND=<brand>} (one brand's hotels). What holds for a message of hotel H is the tenant's state
 * and the states of H's scope and H's brand's scope together: a WITHDRAWN in any of them wins, else a GRANTED in any,
 * else there is no consent record.
 */
public final class ConsentScope {

    public static final String TENANT = "TENANT";
    private static final Pattern SCOPED = Pattern.compile("(HOTEL|BRAND)=[^:\\s]{1,100}");

    /** One consent state as held: its purpose, scope and status (GRANTED, WITHDRAWN, ...). */
    public record State(String purpose, String scope, String status) {
    }

    private ConsentScope() {
    }

    /** The scope named by a record's {@code scope} field: null, blank or TENANT is the tenant; empty when malformed. */
    public static Optional<String> parse(String raw) {
        if (raw == null || raw.isBlank() || TENANT.equals(raw.strip())) {
            return Optional.of(TENANT);
        }
        String scope = raw.strip();
        return SCOPED.matcher(scope).matches() ? Optional.of(scope) : Optional.empty();
    }

    /**
     * The scope a record key {@code tenant:CHANNEL:PURPOSE[:SCOPE]:contactPoint} carries (records of producers that
     * wrote no {@code scope} field): the part after the purpose when it reads {@code HOTEL=...:}, {@code BRAND=...:}
     * or {@code TENANT:}; the tenant otherwise (the unscoped key). A normalised contact point is lower-case, so it never
     * reads as a scope.
     */
    public static String fromKey(String key, String tenant, String channel, String purpose) {
        String prefix = tenant + ":" + channel + ":" + purpose + ":";
        if (key == null || !key.startsWith(prefix)) {
            return TENANT;
        }
        String rest = key.substring(prefix.length());
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            return TENANT;
        }
        String candidate = rest.substring(0, colon);
        if (TENANT.equals(candidate)) {
            return TENANT;
        }
        return SCOPED.matcher(candidate).matches() ? candidate : TENANT;
    }

    public static String ofHotel(String hotelCode) {
        return "HOTEL=" + hotelCode;
    }

    public static String ofBrand(String brand) {
        return "BRAND=" + brand;
    }

    /**
     * What holds for {@code purpose} at {@code hotelCode} (null: the tenant's state only) of {@code brand} (null: none)
     * given the contact point's states of every scope: WITHDRAWN in the tenant's, the hotel's or the brand's scope wins,
     * else GRANTED in any of them, else no record. States of other hotels and brands do not count.
     */
    public static CampaignAudience.Consent effective(Collection<State> states, String purpose, String hotelCode,
                                                     String brand) {
        boolean granted = false;
        for (State state : states) {
            if (!state.purpose().equals(purpose) || !applies(state.scope(), hotelCode, brand)) {
                continue;
            }
            if ("WITHDRAWN".equals(state.status())) {
                return CampaignAudience.Consent.WITHDRAWN;
            }
            granted |= "GRANTED".equals(state.status());
        }
        return granted ? CampaignAudience.Consent.GRANTED : CampaignAudience.Consent.NONE;
    }

    static boolean applies(String scope, String hotelCode, String brand) {
        return TENANT.equals(scope)
                || (hotelCode != null && scope.equals(ofHotel(hotelCode)))
                || (brand != null && scope.equals(ofBrand(brand)));
    }
}
