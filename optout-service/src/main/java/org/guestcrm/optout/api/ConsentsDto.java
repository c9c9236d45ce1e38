package org.guestcrm.optout.api;

import java.time.Instant;
import java.util.List;

/** The consent of one contact point of a tenant: the current state per channel and purpose, and the ledger. */
public record ConsentsDto(
        String tenant,
        String contactPoint,
        String kind,
        List<StateDto> current,
        List<EntryDto> history,
        List<SourceProfileDto> heldBy,
        String hotelCode,
        List<EffectiveDto> effective) {

    /** Without a hotel asked for: no {@code effective} answer. */
    public ConsentsDto(String tenant, String contactPoint, String kind, List<StateDto> current, List<EntryDto> history,
            List<SourceProfileDto> heldBy) {
        this(tenant, contactPoint, kind, current, history, heldBy, null, List.of());
    }

    /** The current state of one channel and purpose in one scope (TENANT, HOTEL:code, BRAND:code). */
    public record StateDto(String channel, String purpose, String status, String source, Instant effectiveAt, String scope) {
    }

    /**
     * What holds for the hotel asked for, per channel and purpose: the tenant's and the hotel's (or its brand's) scope
     * together, an opt-out in either wins; {@code decidedBy} is the scope whose state decided it.
     */
    public record EffectiveDto(String channel, String purpose, String status, String decidedBy, String source,
            Instant effectiveAt) {
    }

    public record EntryDto(String channel, String purpose, String status, String source, Instant effectiveAt,
                           String evidence, String pmsSystem, String pmsProfileId, String actor, String sourceDetail,
                           String scope, Instant recordedAt) {
    }

    /** A staff opt-out: said at the desk or by mail; channel defaults to the contact point's, purpose to MARKETING. */
    public record WithdrawalRequest(String contactPoint, String channel, String purpose, String hotelCode) {
    }

    /** Staff verified a phone number the guest gave in the preference centre (e.g. the guest read back a code at the desk). */
    public record PhoneVerificationRequest(String phone) {
    }

    /** The verified number (E.164), how many corrections to it were verified and how many consents carried to it. */
    public record PhoneVerified(String phone, int verified, int consentsCarried) {
    }

    /** A PMS profile that holds this contact point now. */
    public record SourceProfileDto(String pmsSystem, String pmsProfileId) {
    }

    /**
     * The consent of a golden guest: per channel and purpose the most restrictive of its contact points' (one that
     * withdrew withdraws the guest), with the contact point state that decided it.
     */
    public record GuestConsentsDto(String tenant, String guestId, String survivingGuestId, List<String> mergedGuestIds,
                                   List<ContactPointDto> contactPoints, List<GuestStateDto> current) {
    }

    public record ContactPointDto(String kind, String value) {
    }

    public record GuestStateDto(String channel, String purpose, String status, String decidedBy, String source,
                                Instant effectiveAt) {
    }
}
