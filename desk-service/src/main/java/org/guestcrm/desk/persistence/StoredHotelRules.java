package org.guestcrm.desk.persistence;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The hotel rules admins stored (table hotel_rule), read through a short cache: a rule changed on this replica counts
 * at once, one changed on another replica within {@link #FRESH_FOR}.
 */
@ApplicationScoped
public class StoredHotelRules {

    public static final Duration FRESH_FOR = Duration.ofSeconds(10);

    /** A stored rule, every part optional (absent = the configured value). */
    public record StoredRule(Optional<ZoneId> zone, Optional<LocalTime> opens, Optional<LocalTime> closes,
                             Optional<Set<DayOfWeek>> days, Optional<Duration> callBackWithin, Optional<String> team,
                             Optional<Duration> retryAfter, Optional<Integer> maxAttempts) {

        static StoredRule of(HotelRuleEntity e) {
            Optional<Set<DayOfWeek>> days = Optional.ofNullable(e.days).filter(d -> !d.isBlank()).map(d -> {
                Set<DayOfWeek> set = EnumSet.noneOf(DayOfWeek.class);
                for (String day : d.split(",")) {
                    set.add(DayOfWeek.valueOf(day.trim()));
                }
                return set;
            });
            return new StoredRule(Optional.ofNullable(e.zone).map(ZoneId::of), Optional.ofNullable(e.opens),
                    Optional.ofNullable(e.closes), days, Optional.ofNullable(e.callBackWithinSeconds).map(Duration::ofSeconds),
                    Optional.ofNullable(e.team), Optional.ofNullable(e.retryAfterSeconds).map(Duration::ofSeconds),
                    Optional.ofNullable(e.maxAttempts));
        }
    }

    private record Cached(Optional<StoredRule> rule, long until) {
    }

    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public Optional<StoredRule> of(String tenant, String hotelCode) {
        String key = HotelRuleEntity.keyOf(tenant, hotelCode);
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (cached != null && cached.until() - now > 0) {
            return cached.rule();
        }
        HotelRuleEntity entity = HotelRuleEntity.findById(key);
        Optional<StoredRule> rule = Optional.ofNullable(entity).map(StoredRule::of);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(key, new Cached(rule, now + FRESH_FOR.toNanos()));
        return rule;
    }

    /** A rule changed here: read it again next time. */
    public void changed(String tenant, String hotelCode) {
        cache.remove(HotelRuleEntity.keyOf(tenant, hotelCode));
    }
}
