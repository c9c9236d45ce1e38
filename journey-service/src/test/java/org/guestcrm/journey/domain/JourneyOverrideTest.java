package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JourneyOverrideTest {

    @Test
    void aHotelsOverrideGoesOverItsTenantsOverTheBaseFieldByField() {
        JourneySchedule base = JourneySchedule.standard();
        JourneyOverride tenant = JourneyOverride.read(Map.of("steps", Map.of("preStay",
                Map.of("daysFromArrival", -3, "at", "08:30"), "postStaySurvey", Map.of("freshness", "P2D"))));
        JourneyOverride hotel = JourneyOverride.read(Map.of("steps", Map.of("preStay", Map.of("at", "11:15"),
                "inStay", Map.of("minimumNights", 3)), "quietHours", "22:00-07:00"));
        JourneySchedule schedule = hotel.over(tenant.over(base));
        assertEquals(StepTiming.daysFromArrival(-3, LocalTime.of(11, 15)), schedule.preStay());
        assertEquals(base.preCheckIn(), schedule.preCheckIn());
        assertEquals(3, schedule.inStayMinimumNights());
        assertEquals(Duration.ofDays(2), schedule.freshness().postStaySurvey().window());
        assertEquals(base.freshness().postStaySurvey().lateBooking(), schedule.freshness().postStaySurvey().lateBooking());
        assertEquals("22:00-07:00", hotel.quietHours());
        assertEquals(Map.of("steps", Map.of("preStay", Map.of("at", "11:15"), "inStay", Map.of("minimumNights", 3)),
                "quietHours", "22:00-07:00"), hotel.toJson(), "stored as given");
        assertEquals(hotel, JourneyOverride.read(hotel.toJson()), "read back alike");
    }

    @Test
    void everyBadFieldIsNamed() {
        var e = assertThrows(JourneyOverride.InvalidOverrideException.class, () -> JourneyOverride.read(Map.of(
                "steps", Map.of("preCheckIn", Map.of("daysFromArrival", "soon", "freshness", "PT10M"),
                        "noShow", List.of()),
                "noShowCutoff", "06:00+9")));
        assertEquals(List.of("steps.noShow", "steps.preCheckIn.daysFromArrival", "steps.preCheckIn.freshness",
                "noShowCutoff"), e.invalid().stream().map(JourneyOverride.Invalid::field).sorted((a, b) -> {
                    int order = Integer.compare(rank(a), rank(b));
                    return order != 0 ? order : a.compareTo(b);
                }).toList());
        assertEquals("body", assertThrows(JourneyOverride.InvalidOverrideException.class,
                () -> JourneyOverride.read(List.of())).invalid().getFirst().field());
    }

    private static int rank(String field) {
        return field.startsWith("steps.") ? 0 : 1;
    }
}
