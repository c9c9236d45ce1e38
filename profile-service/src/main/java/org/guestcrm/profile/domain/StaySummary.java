package org.guestcrm.profile.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A guest's stays and spend, from the reservations of all its source profiles. A reservation counts as a stay once
 * the guest arrived (status CHECKED_IN or CHECKED_OUT); cancelled, no-show and future reservations do not. Nights are
 * departure minus arrival; spend is what the PMS reports spent (folio), else the booked total, of stays checked out,
 * summed per currency (amounts in two currencies are never added up). Per hotel: stays, nights and the last departure.
 * {@code lastStayHotelCode} is the hotel of the stay that gives {@code lastStayDeparture} (two stays departing that
 * day: the one that arrived later, then the lower hotel code, so the answer never depends on the order read).
 */
public record StaySummary(int stays, int nights, LocalDate lastStayDeparture, String lastStayHotelCode,
                          Map<String, BigDecimal> spendByCurrency,
                          String mainCurrency, Map<String, HotelStays> byHotel, Map<String, Integer> staysByChannel,
                          int upcoming, int cancelled, int noShows) {

    public static final StaySummary NONE = new StaySummary(0, 0, null, null, Map.of(), null, Map.of(), Map.of(), 0, 0, 0);

    /** Stays at one hotel. */
    public record HotelStays(int stays, int nights, LocalDate lastStayDeparture) {
    }

    /** One reservation as the summary needs it; {@code amount} and {@code currency} may be null. */
    public record Reservation(String hotelCode, String status, LocalDate arrival, LocalDate departure, BigDecimal amount,
                              String currency, String channel) {
    }

    private static final Set<String> STAYED = Set.of("CHECKED_IN", "CHECKED_OUT");

    /** Which stay is the last: the latest departure, then the later arrival, then the lower hotel code. */
    private static final Comparator<Reservation> LAST_STAY = Comparator.comparing(Reservation::departure)
            .thenComparing(Reservation::arrival)
            .thenComparing(Reservation::hotelCode, Comparator.nullsFirst(Comparator.<String>reverseOrder()));

    public static StaySummary of(List<Reservation> reservations) {
        int stays = 0;
        int nights = 0;
        int upcoming = 0;
        int cancelled = 0;
        int noShows = 0;
        Reservation last = null;
        Map<String, BigDecimal> spend = new TreeMap<>();
        Map<String, HotelStays> byHotel = new TreeMap<>();
        Map<String, Integer> byChannel = new TreeMap<>();
        Map<String, Integer> staysByCurrency = new TreeMap<>();
        for (Reservation r : reservations.stream().sorted(Comparator.comparing(Reservation::arrival)).toList()) {
            switch (r.status() == null ? "UNKNOWN" : r.status()) {
                case "CANCELLED" -> cancelled++;
                case "NO_SHOW" -> noShows++;
                case "CHECKED_IN", "CHECKED_OUT" -> { }
                default -> upcoming++;
            }
            if (!STAYED.contains(r.status())) {
                continue;
            }
            int n = (int) Math.max(0, ChronoUnit.DAYS.between(r.arrival(), r.departure()));
            stays++;
            nights += n;
            last = last == null || LAST_STAY.compare(r, last) > 0 ? r : last;
            HotelStays before = byHotel.getOrDefault(r.hotelCode(), new HotelStays(0, 0, null));
            byHotel.put(r.hotelCode(), new HotelStays(before.stays() + 1, before.nights() + n,
                    before.lastStayDeparture() == null || r.departure().isAfter(before.lastStayDeparture())
                            ? r.departure() : before.lastStayDeparture()));
            if (r.channel() != null && !r.channel().isBlank()) {
                byChannel.merge(r.channel(), 1, Integer::sum);
            }
            if ("CHECKED_OUT".equals(r.status()) && r.amount() != null && r.currency() != null) {
                spend.merge(r.currency(), r.amount(), BigDecimal::add);
                staysByCurrency.merge(r.currency(), 1, Integer::sum);
            }
        }
        // The currency of most stays with spend (ties: the first code), for the one total crm.guests carries.
        String main = staysByCurrency.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse(null);
        return new StaySummary(stays, nights, last == null ? null : last.departure(),
                last == null ? null : last.hotelCode(), Map.copyOf(spend), main, Map.copyOf(byHotel), Map.copyOf(byChannel),
                upcoming, cancelled, noShows);
    }
}
