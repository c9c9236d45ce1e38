package org.guestcrm.profile.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.profile.domain.GoldenRecord.ComposedContactPoint;
import org.guestcrm.profile.domain.GoldenRecord.FieldSource;
import org.guestcrm.profile.domain.GoldenRecord.Provenance;
import org.guestcrm.profile.domain.Survivorship.Field;
import org.guestcrm.profile.domain.matching.EmailEvidence;

/**
 * Composes a guest's golden record from all its source profiles, so it can always be recomputed (merge and split
 * rebuild it). Each personal field is decided by {@link Survivorship} (trust, validity, recency) and remembers the
 * source it came from. Contact points are sets: the union of the active profiles' values (e-mail normalised, phones
 * in E.164 read in the profile's regions; a phone libphonenumber does not hold valid is left out), each with its
 * provenance. OTA relay and placeholder addresses ({@link EmailEvidence}) and addresses shared by unrelated guests
 * ({@link ContactDemotions}) stay in the set, marked, but are never primary. The primary of each kind is chosen among
 * the others by trust of its best source, then whether that source flags it primary, then recency. Preferences are
 * decided per key by the same criteria ({@link Survivorship#preferences}).
 * Profiles the PMS deleted or merged away keep their link but no longer contribute.
 */
public final class GoldenRecordComposer {

    /** Reasons a contact point is kept but is not the guest's marketing address. */
    public static final String SHARED = "SHARED_BY_UNRELATED_GUESTS";

    private final EmailEvidence emailEvidence;

    public GoldenRecordComposer() {
        this(EmailEvidence.standard());
    }

    public GoldenRecordComposer(EmailEvidence emailEvidence) {
        this.emailEvidence = emailEvidence;
    }

    public GoldenRecord compose(List<SourceProfileSnapshot> sources) {
        return compose(sources, ContactDemotions.NONE, LocalDate.now(ZoneOffset.UTC));
    }

    public GoldenRecord compose(List<SourceProfileSnapshot> sources, ContactDemotions demotions, LocalDate today) {
        List<SourceProfileSnapshot> active = sources.stream().filter(SourceProfileSnapshot::active).toList();
        Map<Field, FieldSource> fieldSources = new EnumMap<>(Field.class);
        java.util.SortedMap<String, String> preferences = new java.util.TreeMap<>();
        Map<String, FieldSource> preferenceSources = new LinkedHashMap<>();
        Survivorship.preferences(active).forEach((key, survivor) -> {
            preferences.put(key, survivor.value());
            preferenceSources.put(key, survivor.source());
        });
        return new GoldenRecord(
                decide(Field.TITLE, active, today, fieldSources),
                decide(Field.FIRST_NAME, active, today, fieldSources),
                decide(Field.LAST_NAME, active, today, fieldSources),
                decide(Field.BIRTH_DATE, active, today, fieldSources),
                decide(Field.LANGUAGE, active, today, fieldSources),
                decide(Field.NATIONALITY, active, today, fieldSources),
                decide(Field.COMPANY_NAME, active, today, fieldSources),
                contactPoints(active, ContactKind.EMAIL, SourceProfileSnapshot::emails, demotions),
                contactPoints(active, ContactKind.PHONE, SourceProfileSnapshot::phones, demotions),
                fieldSources, preferences, preferenceSources);
    }

    private static <T> T decide(Field field, List<SourceProfileSnapshot> active, LocalDate today,
            Map<Field, FieldSource> fieldSources) {
        Optional<Survivorship.Survivor<T>> survivor = Survivorship.decide(field, active, today);
        survivor.ifPresent(s -> fieldSources.put(field, s.source()));
        return survivor.map(Survivorship.Survivor::value).orElse(null);
    }

    private Optional<String> normalise(ContactKind kind, String raw, SourceProfileSnapshot source) {
        if (kind == ContactKind.EMAIL) {
            return ContactPointNormaliser.email(raw);
        }
        Optional<String> international = org.guestcrm.platform.domain.ContactPointNormaliser.e164(raw, null);
        if (international.isPresent()) {
            return international;
        }
        for (String region : source.phoneRegions()) {
            Optional<String> e164 = org.guestcrm.platform.domain.ContactPointNormaliser.e164(raw, region);
            if (e164.isPresent()) {
                return e164;
            }
        }
        return Optional.empty();
    }

    private String notForMarketing(ContactKind kind, String value, ContactDemotions demotions) {
        if (kind == ContactKind.EMAIL) {
            Optional<EmailEvidence.Reason> reason = emailEvidence.whyNot(value);
            if (reason.isPresent()) {
                return reason.get().name();
            }
        }
        return demotions.isShared(kind, value) ? SHARED : null;
    }

    private List<ComposedContactPoint> contactPoints(List<SourceProfileSnapshot> active, ContactKind kind,
            Function<SourceProfileSnapshot, List<SourceContact>> contacts, ContactDemotions demotions) {
        Map<String, Builder> byValue = new LinkedHashMap<>();
        for (SourceProfileSnapshot source : active) {
            for (SourceContact contact : contacts.apply(source)) {
                Optional<String> normalised = normalise(kind, contact.value(), source);
                if (normalised.isEmpty()) {
                    continue;
                }
                Builder builder = byValue.computeIfAbsent(normalised.get(), Builder::new);
                builder.add(source, contact);
            }
        }
        Comparator<Builder> rank = Survivorship.byTrustValidityRecency(Builder::bestTrust,
                b -> b.flaggedPrimary ? Survivorship.Validity.GOOD : Survivorship.Validity.WEAK, b -> b.lastSeenAt);
        List<Builder> ranked = byValue.values().stream().sorted(rank.thenComparing(b -> b.value)).toList();
        String primary = ranked.stream().filter(b -> notForMarketing(kind, b.value, demotions) == null)
                .map(b -> b.value).findFirst().orElse(null);
        List<ComposedContactPoint> result = new ArrayList<>();
        for (Builder b : ranked) {
            result.add(new ComposedContactPoint(kind, b.value, b.type, b.value.equals(primary),
                    List.copyOf(b.sources.values()), b.lastSeenAt, notForMarketing(kind, b.value, demotions)));
        }
        result.sort(Comparator.comparing((ComposedContactPoint p) -> !p.primary()));
        return List.copyOf(result);
    }

    private static final class Builder {
        final String value;
        String type;
        SourceTrust typeTrust;
        Instant lastSeenAt = Instant.EPOCH;
        boolean flaggedPrimary;
        SourceTrust flaggedBy;
        final Map<SourceProfileKey, Provenance> sources = new LinkedHashMap<>();

        Builder(String value) {
            this.value = value;
        }

        void add(SourceProfileSnapshot source, SourceContact contact) {
            Instant seen = source.version().effectiveAt();
            sources.putIfAbsent(source.key(), new Provenance(source.key(), source.hotelCode(), source.trust(), seen));
            if (seen.isAfter(lastSeenAt)) {
                lastSeenAt = seen;
            }
            if (contact.type() != null && (typeTrust == null || source.trust().rank() > typeTrust.rank())) {
                type = contact.type();
                typeTrust = source.trust();
            }
            // A primary flag counts when it comes from the most trusted source holding the value.
            if (contact.primary() && (flaggedBy == null || source.trust().rank() >= flaggedBy.rank())) {
                flaggedPrimary = true;
                flaggedBy = source.trust();
            }
        }

        SourceTrust bestTrust() {
            return sources.values().stream().map(Provenance::trust).max(Comparator.comparing(SourceTrust::rank))
                    .orElse(SourceTrust.OTA);
        }
    }
}
