package org.guestcrm.profile.domain;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.platform.domain.SnapshotVersion;

/**
 * The state of one PMS profile that the golden record is composed from, with how far its feed is trusted and the
 * regions (ISO 3166-1 alpha-2, in order) a phone number in national form is read in, and its preferences as kept
 * ({@link Preferences#bound}: bounded, keys normalised).
 */
public record SourceProfileSnapshot(
        SourceProfileKey key,
        String hotelCode,
        boolean active,
        String title,
        String firstName,
        String lastName,
        LocalDate birthDate,
        String language,
        String nationality,
        String companyName,
        List<SourceContact> emails,
        List<SourceContact> phones,
        SnapshotVersion version,
        SourceTrust trust,
        List<String> phoneRegions,
        Map<String, String> preferences) {

    public SourceProfileSnapshot {
        preferences = preferences == null ? Map.of() : Map.copyOf(preferences);
        emails = emails == null ? List.of() : List.copyOf(emails);
        phones = phones == null ? List.of() : List.copyOf(phones);
        trust = trust == null ? SourceTrust.FRONT_DESK : trust;
        phoneRegions = phoneRegions == null ? List.of() : List.copyOf(phoneRegions);
    }

    /** A profile without preferences. */
    public SourceProfileSnapshot(SourceProfileKey key, String hotelCode, boolean active, String title, String firstName,
            String lastName, LocalDate birthDate, String language, String nationality, String companyName,
            List<SourceContact> emails, List<SourceContact> phones, SnapshotVersion version, SourceTrust trust,
            List<String> phoneRegions) {
        this(key, hotelCode, active, title, firstName, lastName, birthDate, language, nationality, companyName, emails,
                phones, version, trust, phoneRegions, Map.of());
    }

    /** A front-desk profile without a known phone region. */
    public SourceProfileSnapshot(SourceProfileKey key, String hotelCode, boolean active, String title, String firstName,
            String lastName, LocalDate birthDate, String language, String nationality, String companyName,
            List<SourceContact> emails, List<SourceContact> phones, SnapshotVersion version) {
        this(key, hotelCode, active, title, firstName, lastName, birthDate, language, nationality, companyName, emails,
                phones, version, SourceTrust.FRONT_DESK, List.of(), Map.of());
    }

    /** The distinct normalised e-mail addresses of this profile, primary first. */
    public List<String> normalisedEmails() {
        return emails.stream()
                .sorted((a, b) -> Boolean.compare(b.primary(), a.primary()))
                .map(e -> ContactPointNormaliser.email(e.value()))
                .flatMap(java.util.Optional::stream)
                .distinct()
                .toList();
    }
}
