package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GuestProfileSummaryTest {

    @Test
    void theHotelsAreTheSourceProfilesAndTheLastStaysSortedAndDistinct() {
        GuestProfileSummary summary = GuestProfileSummary.of(3, LocalDate.of(2026, 5, 3), " ZRH1 ",
                Arrays.asList("GVA1", null, " ", "ZRH1", "BSL1", "GVA1"), Map.of());
        assertEquals(List.of("BSL1", "GVA1", "ZRH1"), summary.hotelCodes());
        assertEquals("ZRH1", summary.lastStayHotelCode());
        assertEquals(3, summary.stayCount());
        assertEquals(LocalDate.of(2026, 5, 3), summary.lastStayDeparture());
        assertTrue(summary.hasStays());
        assertEquals(List.of("LUG1"), GuestProfileSummary.of(1, null, "LUG1", List.of(), Map.of()).hotelCodes(),
                "the last stay's hotel is a hotel even without a source profile naming it");
    }

    @Test
    void nothingHeldIsNoStayAndNoInterest() {
        GuestProfileSummary none = GuestProfileSummary.of(-1, null, null, null, null);
        assertEquals(0, none.stayCount());
        assertFalse(none.hasStays());
        assertTrue(none.interests().isEmpty());
        assertNull(none.lastStayHotelCode());
        assertEquals(GuestProfileSummary.NONE, none);
    }

    @Test
    void interestsAreSortedByNameBlankOnesLeftOutAndBounded() {
        Map<String, String> held = new HashMap<>();
        held.put("pillow", " firm ");
        held.put("interests", "spa, golf");
        held.put("newspaper", " ");
        held.put(" ", "x");
        assertEquals(List.of("interests", "pillow"), new ArrayList<>(GuestProfileSummary.of(0, null, null, List.of(), held)
                .interests().keySet()));
        assertEquals("firm", GuestProfileSummary.of(0, null, null, List.of(), held).interests().get("pillow"));

        Map<String, String> many = new HashMap<>();
        List<String> hotels = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.put(String.format("k%02d", i), "v".repeat(500));
            hotels.add(String.format("H%02d", i));
        }
        GuestProfileSummary bounded = GuestProfileSummary.of(50, null, "Z".repeat(80), hotels, many);
        assertEquals(GuestProfileSummary.MAX_INTERESTS, bounded.interests().size());
        assertEquals("k00", bounded.interests().keySet().iterator().next());
        assertEquals(GuestProfileSummary.MAX_VALUE, bounded.interests().get("k00").length());
        assertEquals(GuestProfileSummary.MAX_HOTELS, bounded.hotelCodes().size());
        assertEquals(GuestProfileSummary.MAX_CODE, bounded.lastStayHotelCode().length());
        assertTrue(bounded.hotelCodes().contains(bounded.lastStayHotelCode()), "the last stay's hotel is always kept");
        assertEquals("H00", bounded.hotelCodes().get(0));
    }
}
