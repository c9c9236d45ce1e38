package org.guestcrm.journey.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's marketing frequency cap: at most {@code max} marketing messages (campaign mails) per guest within any
 * {@code period}. Transactional and service messages are never capped. Written {@code <max>/<period>}, e.g. {@code 2/30d}
 * (period in {@code d} days or {@code h} hours).
 */
public record FrequencyCap(int max, Duration period) {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d{1,4})\\s*/\\s*(\\d{1,5})\\s*([dh])\\s*");

    public FrequencyCap {
        Objects.requireNonNull(period, "period");
        if (max < 1) {
            throw new IllegalArgumentException("a frequency cap allows at least 1 message, was " + max);
        }
        if (!period.isPositive()) {
            throw new IllegalArgumentException("a frequency cap's period must be positive, was " + period);
        }
    }

    public static FrequencyCap parse(String value) {
        Matcher m = FORMAT.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a frequency cap (<max>/<period>, e.g. 2/30d): " + value);
        }
        long amount = Long.parseLong(m.group(2));
        return new FrequencyCap(Integer.parseInt(m.group(1)),
                "d".equals(m.group(3)) ? Duration.ofDays(amount) : Duration.ofHours(amount));
    }

    /** Whether one more message may go to a guest who got {@code sentInPeriod} within the period. */
    public boolean allowsAnother(int sentInPeriod) {
        return sentInPeriod < max;
    }

    /** The reason recorded on a message held back by the cap (SKIPPED). */
    public String reason() {
        long days = period.toDays();
        String span = period.equals(Duration.ofDays(days)) ? days + (days == 1 ? " day" : " days")
                : period.toHours() + " h";
        return "capped: at most " + max + " marketing message" + (max == 1 ? "" : "s") + " per " + span;
    }
}
