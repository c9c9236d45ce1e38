package org.guestcrm.optout.domain;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the guest's preference centre shows of a golden guest besides its contact points and names: a stays summary
 * (how many stays, the last one's departure and hotel, the hotels the guest is known at) and the interests the golden
 * record holds ({@code preferences}: name and value, e.g. {@code interests = spa, golf}). Bounded, so a record can never
 * make a guest row grow without end: at most {@link #MAX_HOTELS} hotels (the last stay's always, then the first in
 * code order) and {@link #MAX_INTERESTS} interests (the first in name order), codes and names cut, blank ones left out.
 */
public record GuestProfileSummary(int stayCount, LocalDate lastStayDeparture, String lastStayHotelCode,
        List<String> hotelCodes, Map<String, String> interests) {

    public static final int MAX_HOTELS = 20;
    public static final int MAX_INTERESTS = 20;
    static final int MAX_CODE = 50;
    static final int MAX_NAME = 60;
    static final int MAX_VALUE = 200;

    public static final GuestProfileSummary NONE = new GuestProfileSummary(0, null, null, List.of(), Map.of());

    public GuestProfileSummary {
        hotelCodes = List.copyOf(hotelCodes == null ? List.of() : hotelCodes);
        interests = interests == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(interests));
    }

    /**
     * The summary of one crm.guests record: {@code stayCount} (negative read as none), the last stay, the hotels of its
     * source profiles and of its last stay (sorted, distinct, at most {@link #MAX_HOTELS}), the interests sorted by name.
     */
    public static GuestProfileSummary of(int stayCount, LocalDate lastStayDeparture, String lastStayHotelCode,
            Collection<String> hotelCodes, Map<String, String> interests) {
        String last = cut(lastStayHotelCode, MAX_CODE);
        TreeSet<String> hotels = new TreeSet<>();
        if (hotelCodes != null) {
            hotelCodes.stream().map(code -> cut(code, MAX_CODE)).filter(Objects::nonNull).forEach(hotels::add);
        }
        // The last stay's hotel is always among them; the others in code order up to the bound.
        TreeSet<String> kept = new TreeSet<>();
        if (last != null) {
            hotels.remove(last);
            kept.add(last);
        }
        hotels.stream().limit(MAX_HOTELS - kept.size()).forEach(kept::add);
        TreeMap<String, String> named = new TreeMap<>();
        if (interests != null) {
            interests.forEach((name, value) -> {
                String n = cut(name, MAX_NAME);
                String v = cut(value, MAX_VALUE);
                if (n != null && v != null) {
                    named.put(n, v);
                }
            });
        }
        return new GuestProfileSummary(Math.max(0, stayCount), lastStayDeparture, last, List.copyOf(kept),
                named.entrySet().stream().limit(MAX_INTERESTS)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
                                java.util.LinkedHashMap::new)));
    }

    /** Whether there is any stay to show. */
    public boolean hasStays() {
        return stayCount > 0 || lastStayDeparture != null || !hotelCodes.isEmpty();
    }

    private static String cut(String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        return v.length() <= max ? v : v.substring(0, max);
    }
}
