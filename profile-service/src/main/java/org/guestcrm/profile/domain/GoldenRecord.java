package org.guestcrm.profile.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.guestcrm.platform.domain.ContactKind;

/**
 * The golden guest record as composed from its source profiles, with where each field came from
 * ({@link #fieldSources}: the survivorship decision, explainable), and its preferences (key -> value, bounded) with
 * the source each value survived from ({@link #preferenceSources}).
 */
public record GoldenRecord(
        String title,
        String firstName,
        String lastName,
        LocalDate birthDate,
        String language,
        String nationality,
        String companyName,
        List<ComposedContactPoint> emails,
        List<ComposedContactPoint> phones,
        Map<Survivorship.Field, FieldSource> fieldSources,
        java.util.SortedMap<String, String> preferences,
        Map<String, FieldSource> preferenceSources) {

    public GoldenRecord {
        fieldSources = fieldSources == null ? Map.of() : Map.copyOf(fieldSources);
        preferences = java.util.Collections.unmodifiableSortedMap(
                preferences == null ? new java.util.TreeMap<>() : new java.util.TreeMap<>(preferences));
        preferenceSources = preferenceSources == null ? Map.of() : Map.copyOf(preferenceSources);
    }

    /**
     * A normalised contact point (e-mail lower-case, phone E.164) with every source profile that holds it: its
     * provenance (PMS, profile, hotel, trust, when). {@code notForMarketing} is null for an address that may be the
     * guest's own, else why not (an OTA relay, a placeholder, shared by unrelated guests); such a point is never primary.
     */
    public record ComposedContactPoint(ContactKind kind, String value, String type, boolean primary,
                                       List<Provenance> sources, Instant lastSeenAt, String notForMarketing) {

        /** The source profile keys holding it. */
        public List<SourceProfileKey> sourceKeys() {
            return sources.stream().map(Provenance::key).toList();
        }
    }

    /** One source profile holding a contact point: which PMS profile, at which hotel, how trusted, seen when. */
    public record Provenance(SourceProfileKey key, String hotelCode, SourceTrust trust, Instant seenAt) {
    }

    /** The source profile a field's value survived from, and why (its trust, the value's validity, when it was seen). */
    public record FieldSource(SourceProfileKey key, SourceTrust trust, Survivorship.Validity validity, Instant seenAt) {
        public String explain() {
            return key.pmsSystem() + ":" + key.pmsProfileId() + " (" + trust + ", " + validity + ", " + seenAt + ")";
        }
    }
}
