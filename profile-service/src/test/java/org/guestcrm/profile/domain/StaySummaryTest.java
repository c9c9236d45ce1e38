package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StaySummaryTest {

    private static StaySummary.Reservation r(String hotel, String status, String arrival, int nights, String amount,
            String currency, String channel) {
        LocalDate a = LocalDate.parse(arrival);
        return new StaySummary.Reservation(hotel, status, a, a.plusDays(nights), amount == null ? null : new BigDecimal(amount),
                currency, channel);
    }

    @Test
    void staysCountOnceTheGuestArrivedAndSpendIsSummedPerCurrency() {
        StaySummary summary = StaySummary.of(List.of(
                r("ZRH1", "CHECKED_OUT", "2025-03-01", 3, "600.00", "CHF", "WEB"),
                r("ZRH1", "CHECKED_OUT", "2025-09-10", 2, "410.50", "CHF", "OTA"),
                r("PAR1", "CHECKED_OUT", "2026-01-05", 1, "180.00", "EUR", "OTA"),
                r("PAR1", "CHECKED_IN", "2026-05-01", 4, "900.00", "EUR", "PHONE"),
                r("ZRH1", "CANCELLED", "2026-07-01", 5, "999.00", "CHF", "WEB"),
                r("ZRH1", "NO_SHOW", "2026-08-01", 2, "300.00", "CHF", "WEB"),
                r("ZRH1", "CONFIRMED", "2027-01-01", 2, "300.00", "CHF", "WEB")));
        assertEquals(4, summary.stays());
        assertEquals(10, summary.nights());
        assertEquals(LocalDate.parse("2026-05-05"), summary.lastStayDeparture());
        assertEquals("PAR1", summary.lastStayHotelCode(), "the later cancelled and no-show reservations at ZRH1 are no stays");
        assertEquals(Map.of("CHF", new BigDecimal("1010.50"), "EUR", new BigDecimal("180.00")), summary.spendByCurrency(),
                "checked-out stays only, never two currencies added up");
        assertEquals("CHF", summary.mainCurrency());
        assertEquals(new StaySummary.HotelStays(2, 5, LocalDate.parse("2025-09-12")), summary.byHotel().get("ZRH1"));
        assertEquals(new StaySummary.HotelStays(2, 5, LocalDate.parse("2026-05-05")), summary.byHotel().get("PAR1"));
        assertEquals(Map.of("WEB", 1, "OTA", 2, "PHONE", 1), summary.staysByChannel());
        assertEquals(1, summary.upcoming());
        assertEquals(1, summary.cancelled());
        assertEquals(1, summary.noShows());
    }

    @Test
    void theLastStaysHotelIsTheSameInWhateverOrderTheStaysAreRead() {
        List<StaySummary.Reservation> stays = List.of(
                r("ZRH1", "CHECKED_OUT", "2026-03-01", 4, null, null, null),
                r("PAR1", "CHECKED_OUT", "2026-03-03", 2, null, null, null),
                r("BER1", "CHECKED_OUT", "2026-03-03", 2, null, null, null),
                r("VIE1", "CHECKED_OUT", "2026-02-01", 3, null, null, null));
        for (List<StaySummary.Reservation> order : List.of(stays, stays.reversed())) {
            StaySummary summary = StaySummary.of(order);
            assertEquals(LocalDate.parse("2026-03-05"), summary.lastStayDeparture());
            assertEquals("BER1", summary.lastStayHotelCode(), "same departure: the later arrival, then the lower code");
        }
        assertEquals("ZRH1", StaySummary.of(stays.subList(0, 1)).lastStayHotelCode());
    }

    @Test
    void noReservationsNoStays() {
        StaySummary summary = StaySummary.of(List.of());
        assertEquals(0, summary.stays());
        assertNull(summary.lastStayDeparture());
        assertNull(summary.lastStayHotelCode());
        assertNull(summary.mainCurrency());
    }
}
