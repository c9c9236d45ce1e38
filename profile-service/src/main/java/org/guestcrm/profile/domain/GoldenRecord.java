package org.guestcrm.profile.domain;

import java.time.LocalDate;
import java.util.List;

import org.guestcrm.platform.domain.ContactKind;

/** The golden guest record as composed from its source profiles. */
public record GoldenRecord(
        String title,
        String firstName,
        String lastName,
        LocalDate birthDate,
        String language,
        String nationality,
        String companyName,
        List<ComposedContactPoint> emails,
        List<ComposedContactPoint> phones) {

    /** A normalised contact point with every source profile that holds it (its provenance). */
    public record ComposedContactPoint(ContactKind kind, String value, String type, boolean primary,
                                       List<SourceProfileKey> sources, java.time.Instant lastSeenAt) {
    }
}
