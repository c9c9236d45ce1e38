package org.guestcrm.profile.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.profile.domain.GoldenRecord.ComposedContactPoint;

/**
 * Composes a guest's golden record from all its source profiles, so it can always be recomputed
 * (the basis for un-merge later). Survivorship, minimal: each personal field comes from the most recent
 * active source profile that has it; contact points are the union of the active profiles' normalised
 * values, each with the profiles that hold it; the primary one is the primary of the most recent profile.
 * Profiles the PMS deleted or merged away keep their link but no longer contribute.
 */
public final class GoldenRecordComposer {

    public GoldenRecord compose(List<SourceProfileSnapshot> sources) {
        List<SourceProfileSnapshot> newestFirst = sources.stream()
                .filter(SourceProfileSnapshot::active)
                .sorted(Comparator.comparing((SourceProfileSnapshot s) -> s.version().effectiveAt()).reversed())
                .toList();
        return new GoldenRecord(
                firstPresent(newestFirst, SourceProfileSnapshot::title),
                firstPresent(newestFirst, SourceProfileSnapshot::firstName),
                firstPresent(newestFirst, SourceProfileSnapshot::lastName),
                firstPresent(newestFirst, SourceProfileSnapshot::birthDate),
                firstPresent(newestFirst, SourceProfileSnapshot::language),
                firstPresent(newestFirst, SourceProfileSnapshot::nationality),
                firstPresent(newestFirst, SourceProfileSnapshot::companyName),
                contactPoints(newestFirst, ContactKind.EMAIL, SourceProfileSnapshot::emails),
                contactPoints(newestFirst, ContactKind.PHONE, SourceProfileSnapshot::phones));
    }

    private static <T> T firstPresent(List<SourceProfileSnapshot> newestFirst, Function<SourceProfileSnapshot, T> field) {
        for (SourceProfileSnapshot source : newestFirst) {
            T value = field.apply(source);
            if (value != null && !(value instanceof String text && text.isBlank())) {
                return value;
            }
        }
        return null;
    }

    private static List<ComposedContactPoint> contactPoints(List<SourceProfileSnapshot> newestFirst, ContactKind kind,
                                                           Function<SourceProfileSnapshot, List<SourceContact>> contacts) {
        Map<String, Builder> byValue = new LinkedHashMap<>();
        String primaryValue = null;
        for (SourceProfileSnapshot source : newestFirst) {
            for (SourceContact contact : contacts.apply(source)) {
                Optional<String> normalised = ContactPointNormaliser.normalise(kind, contact.value());
                if (normalised.isEmpty()) {
                    continue;
                }
                String value = normalised.get();
                Builder builder = byValue.computeIfAbsent(value, v -> new Builder(v, contact.type(), source.version().effectiveAt()));
                if (!builder.sources.contains(source.key())) {
                    builder.sources.add(source.key());
                }
                if (primaryValue == null && contact.primary()) {
                    primaryValue = value;
                }
            }
        }
        if (primaryValue == null && !byValue.isEmpty()) {
            primaryValue = byValue.keySet().iterator().next();
        }
        List<ComposedContactPoint> result = new ArrayList<>();
        for (Builder b : byValue.values()) {
            result.add(new ComposedContactPoint(kind, b.value, b.type, b.value.equals(primaryValue), List.copyOf(b.sources), b.lastSeenAt));
        }
        return List.copyOf(result);
    }

    private static final class Builder {
        final String value;
        final String type;
        final Instant lastSeenAt;
        final List<SourceProfileKey> sources = new ArrayList<>();

        Builder(String value, String type, Instant lastSeenAt) {
            this.value = value;
            this.type = type;
            this.lastSeenAt = lastSeenAt;
        }
    }
}
