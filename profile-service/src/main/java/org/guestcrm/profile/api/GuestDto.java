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
        java.util.Map<String, String> fieldSources,
        java.util.Map<String, String> preferences,
        org.guestcrm.profile.domain.StaySummary stays,
        QualificationDto qualification,
        List<SourceProfileDto> sourceProfiles,
        Instant createdAt,
        Instant updatedAt) {

    /**
     * The qualification tier (PROSPECT, GUEST, REPEAT, VIP) by the tenant's tier rules as of the guest's last
     * recomposition, and why (counts and thresholds); null for a guest not recomposed since tiers exist.
     */
    public record QualificationDto(String tier, String reason) {
    }

    /**
     * A normalised contact point (e-mail lower-case, phone E.164) and the source profiles holding it (provenance).
     * {@code notForMarketing}: null when it may be the guest's own address; else OTA_RELAY, PLACEHOLDER or
     * SHARED_BY_UNRELATED_GUESTS (never primary then).
     */
    public record ContactPointDto(String value, String type, boolean primary, String notForMarketing,
                                  List<ProvenanceDto> sources, Instant lastSeenAt) {
    }

    /** One source profile holding a contact point: PMS, profile, hotel, the feed's trust, when that state was seen. */
    public record ProvenanceDto(String pmsSystem, String pmsProfileId, String hotelCode, String trust, Instant seenAt) {
    }

    public record SourceRefDto(String pmsSystem, String pmsProfileId) {
    }

    /** A PMS profile of this guest and why it is here. */
    public record SourceProfileDto(String pmsSystem, String pmsProfileId, String hotelCode, String changeType,
                                   Instant linkedAt, String matchRule, String matchExplanation) {
    }
}
