package org.guestcrm.profile.domain;

import java.time.LocalDate;
import java.util.List;

import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.platform.domain.SnapshotVersion;

/** The state of one PMS profile that the golden record is composed from. */
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
        SnapshotVersion version) {

    public SourceProfileSnapshot {
        emails = emails == null ? List.of() : List.copyOf(emails);
        phones = phones == null ? List.of() : List.copyOf(phones);
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
