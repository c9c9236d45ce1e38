package org.guestcrm.profile.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** The golden guest record as the HTTP API shows it. */
public record GuestDto(
        UUID guestId,
        String tenant,
        long version,
        String title,
        String firstName,
        String lastName,
        LocalDate birthDate,
        String language,
        String nationality,
        String companyName,
        List<ContactPointDto> emails,
        List<ContactPointDto> phones,
        List<SourceProfileDto> sourceProfiles,
        Instant createdAt,
        Instant updatedAt) {

    /** A normalised contact point and the source profiles it came from. */
    public record ContactPointDto(String value, String type, boolean primary, List<SourceRefDto> sources, Instant lastSeenAt) {
    }

    public record SourceRefDto(String pmsSystem, String pmsProfileId) {
    }

    /** A PMS profile of this guest and why it is here. */
    public record SourceProfileDto(String pmsSystem, String pmsProfileId, String hotelCode, String changeType,
                                   Instant linkedAt, String matchRule, String matchExplanation) {
    }
}
