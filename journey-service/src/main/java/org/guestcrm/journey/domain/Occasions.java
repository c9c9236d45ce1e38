package org.guestcrm.journey.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The guest's occasions (marketing, planned from the guest directory, not from a reservation): a win-back
 * {@code offset} (e.g. 6 months) after the last departure while the guest has not stayed again, the birthday (in the
 * hotel's zone, once a year) and the anniversary of the last stay (each year after it). Each occurrence has an
 * {@code occasion} (the birthday's or anniversary's year; the last departure for a win-back: one per stay) that makes it
 * unique per guest and step, and a {@code basis} (the birth date or last departure it was computed from): when the
 * basis changes (a new stay, a corrected birth date) a pending occurrence no longer holds.
 */
public final class Occasions {

    public static final String STAYED_AGAIN = "guest stayed again since";
    public static final String BIRTH_DATE_CHANGED = "birth date changed or removed";
    public static final String DISABLED = "occasion no longer enabled";

    /** How one occasion is configured for a hotel: on or off, its offset, the local time it goes, the template name. */
    public record Setting(boolean enabled, Period offset, LocalTime at, String template) {
        public Setting {
            Objects.requireNonNull(offset, "offset");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(template, "template");
        }
    }

    /** What the directory knows of the guest that occasions are computed from (either may be null). */
    public record GuestFacts(LocalDate birthDate, LocalDate lastStayDeparture) {
    }

    /** One occurrence to plan: its step, occasion key, basis date and due time (before quiet hours). */
    public record Occurrence(JourneyStep step, String occasion, LocalDate basis, Instant dueAt) {
    }

    private Occasions() {
    }

    public static boolean isOccasion(JourneyStep step) {
        return step == JourneyStep.WIN_BACK || step == JourneyStep.BIRTHDAY || step == JourneyStep.STAY_ANNIVERSARY;
    }

    /** The default offset of an occasion: win-back 6 months after the last departure, the others on the day. */
    public static Period defaultOffset(JourneyStep step) {
        return step == JourneyStep.WIN_BACK ? Period.ofMonths(6) : Period.ZERO;
    }

    /**
     * The occurrences of the guest's enabled occasions due between {@code now - freshness} (a little late is still
     * meaningful) and {@code now + horizon}, computed in the hotel's {@code zone}.
     */
    public static List<Occurrence> due(GuestFacts facts, Map<JourneyStep, Setting> settings, ZoneId zone, Instant now,
                                       Duration freshness, Duration horizon) {
        List<Occurrence> due = new ArrayList<>();
        Instant from = now.minus(freshness);
        Instant until = now.plus(horizon);
        for (Map.Entry<JourneyStep, Setting> entry : settings.entrySet()) {
            Setting setting = entry.getValue();
            if (!setting.enabled()) {
                continue;
            }
            for (Occurrence occurrence : candidates(entry.getKey(), facts, setting, zone, now)) {
                if (!occurrence.dueAt().isBefore(from) && !occurrence.dueAt().isAfter(until)) {
                    due.add(occurrence);
                }
            }
        }
        return due;
    }

    /** The occurrences around {@code now} (last year's, this year's, next year's) an occasion could have. */
    static List<Occurrence> candidates(JourneyStep step, GuestFacts facts, Setting setting, ZoneId zone, Instant now) {
        List<Occurrence> candidates = new ArrayList<>();
        int year = now.atZone(zone).getYear();
        switch (step) {
            case WIN_BACK -> {
                if (facts.lastStayDeparture() != null) {
                    LocalDate basis = facts.lastStayDeparture();
                    candidates.add(new Occurrence(step, basis.toString(), basis,
                            at(basis.plus(setting.offset()), setting, zone)));
                }
            }
            case BIRTHDAY -> {
                if (facts.birthDate() != null) {
                    MonthDay birthday = MonthDay.from(facts.birthDate());
                    for (int y = year - 1; y <= year + 1; y++) {
                        if (y > facts.birthDate().getYear()) {
                            // 29 February falls on 28 February in a common year (MonthDay.atYear).
                            LocalDate day = birthday.atYear(y);
                            candidates.add(new Occurrence(step, String.valueOf(y), facts.birthDate(),
                                    at(day.plus(setting.offset()), setting, zone)));
                        }
                    }
                }
            }
            case STAY_ANNIVERSARY -> {
                if (facts.lastStayDeparture() != null) {
                    LocalDate basis = facts.lastStayDeparture();
                    for (int y = Math.max(year - 1, basis.getYear() + 1); y <= year + 1; y++) {
                        LocalDate day = basis.plusYears(y - basis.getYear());
                        candidates.add(new Occurrence(step, String.valueOf(y), basis,
                                at(day.plus(setting.offset()), setting, zone)));
                    }
                }
            }
            default -> throw new IllegalArgumentException(step + " is not an occasion");
        }
        return candidates;
    }

    /**
     * Why a planned occurrence (its basis) no longer holds for the guest as the directory knows them now; empty while it
     * does: a win-back or anniversary after the guest stayed again (the last departure moved), a birthday whose birth
     * date changed or went.
     */
    public static Optional<String> noLongerHolds(JourneyStep step, LocalDate basis, GuestFacts facts) {
        return switch (step) {
            case WIN_BACK, STAY_ANNIVERSARY -> Objects.equals(basis, facts.lastStayDeparture()) ? Optional.empty()
                    : Optional.of(STAYED_AGAIN);
            case BIRTHDAY -> Objects.equals(basis, facts.birthDate()) ? Optional.empty()
                    : Optional.of(BIRTH_DATE_CHANGED);
            default -> throw new IllegalArgumentException(step + " is not an occasion");
        };
    }

    private static Instant at(LocalDate day, Setting setting, ZoneId zone) {
        return day.atTime(setting.at()).atZone(zone).toInstant();
    }
}
