package org.guestcrm.optout.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.messaging.ConsentRecorder;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.optout.domain.GuestConsentRule;
import org.guestcrm.optout.persistence.ProfileContactPointEntity;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Consent of a contact point, for staff: a token with a reading role and the tenant asked for. A tenant the token does
 * not admit answers 404, as if nothing were known there, before the query is even looked at.
 */
@Path("/api/v1/consents")
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {

    @Inject
    TenantAccess access;
    @Inject
    OptoutConfig config;
    @Inject
    ConsentRecorder recorder;
    @Inject
    GuestDirectory guests;
    @Inject
    org.guestcrm.optout.persistence.PhoneVerifications phoneVerifications;

    @GET
    @Transactional
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Current consent per channel and purpose, and the ledger history, of one contact point")
    public ConsentsDto consents(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "E-mail address, phone number (URL-encode a leading + as %2B) or postal key COUNTRY|postcode|street line (CH|8001|Bahnhofstrasse 1); normalised like the feed (phones to E.164, a national form in the tenant's region; the postal key folded)",
                    required = true) @QueryParam("contactPoint") String contactPoint,
            @Parameter(description = "A hotel of the tenant: adds what holds for it (the tenant's and the hotel's or its brand's"
                    + " scope, an opt-out in either wins)") @QueryParam("hotelCode") String hotelCode) {
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (tenant == null || tenant.isBlank()) {
            invalid.add(new Problem.InvalidParam("tenant", "is required"));
        } else {
            access.require(tenant.trim(), NotFoundException::new);
        }
        ContactPoint parsed = null;
        if (contactPoint == null || contactPoint.isBlank()) {
            invalid.add(new Problem.InvalidParam("contactPoint", "is required"));
        } else {
            String region = tenant == null ? null : config.phoneRegion(tenant.trim(), null).orElse(null);
            parsed = ContactPoint.parse(contactPoint, region).orElse(null);
            if (parsed == null) {
                invalid.add(new Problem.InvalidParam("contactPoint", "is neither an e-mail address, a phone number nor a postal key COUNTRY|postcode|street line"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Invalid query parameter(s): "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()) + ".", invalid);
        }
        if (hotelCode != null && !HOTEL_CODE.matcher(hotelCode.trim()).matches()) {
            throw new InvalidRequestException("Invalid query parameter(s): hotelCode.",
                    List.of(new Problem.InvalidParam("hotelCode", "is letters, digits, _ . - (at most 50)")));
        }
        return view(tenant.trim(), parsed, hotelCode == null || hotelCode.isBlank() ? null : hotelCode.trim());
    }

    @GET
    @Path("guests/{guestId}")
    @Transactional
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Consent of a golden guest (crm.guests): per channel and purpose the most restrictive of its contact"
            + " points' (one that withdrew withdraws the guest); a merged-away guest answers for the guest it lives on in;"
            + " an unknown guest 404")
    public ConsentsDto.GuestConsentsDto guestConsents(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "Golden guest id (crm.guests)", required = true) @PathParam("guestId") String guestId) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Invalid query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String tenantId = access.require(tenant.trim(), NotFoundException::new);
        String survivor = guests.survivorOf(tenantId, guestId).orElseThrow(() -> new NotFoundException("Unknown guest"));
        List<ContactPoint> points = guests.contactPointsOf(tenantId, survivor);
        List<GuestConsentRule.PointState> states = ConsentStateEntity.listForAll(tenantId,
                points.stream().map(ContactPoint::value).toList()).stream()
                .map(s -> new GuestConsentRule.PointState(s.contactPoint, ConsentChannel.valueOf(s.channel),
                        ConsentPurpose.valueOf(s.purpose), ConsentStatus.valueOf(s.status), ConsentSource.valueOf(s.source),
                        s.effectiveAt))
                .toList();
        List<ConsentsDto.GuestStateDto> current = new GuestConsentRule().decide(states).stream()
                .map(g -> new ConsentsDto.GuestStateDto(g.channel().name(), g.purpose().name(), g.status().name(),
                        g.decidedBy().contactPoint(), g.decidedBy().source().name(), g.decidedBy().effectiveAt()))
                .toList();
        return new ConsentsDto.GuestConsentsDto(tenantId, guestId, survivor, guests.mergedInto(tenantId, survivor),
                points.stream().map(p -> new ConsentsDto.ContactPointDto(p.kind().name(), p.value())).toList(), current);
    }

    @POST
    @Path("phone-verifications")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Staff verified a phone number the guest gave in the preference centre: the number may hold"
            + " consent grants from now on, and the grants of the number it replaced are carried to it (source FRONT_DESK,"
            + " actor = the caller); a number with no unverified correction 404")
    public ConsentsDto.PhoneVerified verifyPhone(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            ConsentsDto.PhoneVerificationRequest request) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Invalid query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String tenantId = access.require(tenant.trim(), NotFoundException::new);
        if (request == null || request.phone() == null || request.phone().isBlank()) {
            throw new InvalidRequestException("Invalid field(s): phone.", List.of(new Problem.InvalidParam("phone", "is required")));
        }
        ContactPoint phone = ContactPoint.parse(request.phone(), config.phoneRegion(tenantId, null).orElse(null))
                .filter(cp -> cp.kind() == org.guestcrm.platform.domain.ContactKind.PHONE).orElse(null);
        if (phone == null) {
            throw new InvalidRequestException("Invalid field(s): phone.",
                    List.of(new Problem.InvalidParam("phone", "is no valid phone number")));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        org.guestcrm.optout.persistence.PhoneVerifications.Verified verified =
                phoneVerifications.verify(tenantId, phone.value(), access.actor(), now);
        if (!verified.any()) {
            throw new NotFoundException("No unverified phone correction of this tenant names this number.");
        }
        String correlation = UUID.randomUUID().toString();
        int carried = 0;
        for (String replaced : verified.replacedValues()) {
            carried += recorder.carry(tenantId, new ContactPoint(org.guestcrm.platform.domain.ContactKind.PHONE, replaced), phone,
                    java.util.Set.of(ConsentChannel.SMS, ConsentChannel.PHONE), false, ConsentSource.FRONT_DESK,
                    new ConsentRecorder.Provenance(access.actor(), "phone-verified",
                            "phone-verification:" + verified.ids().get(0), correlation), now);
        }
        return new ConsentsDto.PhoneVerified(phone.value(), verified.ids().size(), carried);
    }

    @POST
    @Path("withdrawals")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Record an opt-out said to staff (at the desk, on the phone, by mail): source FRONT_DESK, actor = the"
            + " caller; answers the contact point's consent afterwards")
    public ConsentsDto withdraw(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            ConsentsDto.WithdrawalRequest request) {
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Invalid query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String tenantId = access.require(tenant.trim(), NotFoundException::new);
        ContactPoint parsed = null;
        if (request == null || request.contactPoint() == null || request.contactPoint().isBlank()) {
            invalid.add(new Problem.InvalidParam("contactPoint", "is required"));
        } else {
            parsed = ContactPoint.parse(request.contactPoint(), config.phoneRegion(tenantId, null).orElse(null)).orElse(null);
            if (parsed == null) {
                invalid.add(new Problem.InvalidParam("contactPoint", "is neither an e-mail address, a phone number nor a postal key COUNTRY|postcode|street line"));
            }
        }
        ConsentChannel channel = null;
        ConsentPurpose purpose = ConsentPurpose.MARKETING;
        try {
            if (request != null && request.channel() != null) {
                channel = ConsentChannel.valueOf(request.channel().trim().toUpperCase(java.util.Locale.ROOT));
            }
        } catch (IllegalArgumentException e) {
            invalid.add(new Problem.InvalidParam("channel", "is one of " + java.util.Arrays.toString(ConsentChannel.values())));
        }
        try {
            if (request != null && request.purpose() != null) {
                purpose = ConsentPurpose.valueOf(request.purpose().trim().toUpperCase(java.util.Locale.ROOT));
            }
        } catch (IllegalArgumentException e) {
            invalid.add(new Problem.InvalidParam("purpose", "is one of " + java.util.Arrays.toString(ConsentPurpose.values())));
        }
        if (parsed != null && channel != null && !org.guestcrm.optout.domain.GuestLinkSubject.fits(channel, parsed)) {
            invalid.add(new Problem.InvalidParam("channel", "does not fit the contact point (EMAIL for an e-mail address, SMS or PHONE for a phone, POST for a postal address)"));
        }
        String hotel = request == null || request.hotelCode() == null || request.hotelCode().isBlank() ? null
                : request.hotelCode().trim();
        if (hotel != null && !HOTEL_CODE.matcher(hotel).matches()) {
            invalid.add(new Problem.InvalidParam("hotelCode", "is letters, digits, _ . - (at most 50)"));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Invalid field(s): "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()) + ".", invalid);
        }
        String requestId = UUID.randomUUID().toString();
        // Said for one hotel: that hotel's (or brand's) scope where the tenant has scopes, else the whole tenant.
        String scope = config.scopeOf(tenantId, hotel);
        recorder.record(tenantId, new ConsentStatement(parsed, channel != null ? channel : parsed.channel(), purpose,
                        ConsentStatus.WITHDRAWN, ConsentSource.FRONT_DESK, Instant.now().truncatedTo(ChronoUnit.MILLIS), scope),
                new ConsentRecorder.Provenance(access.actor(), "staff-api", "staff-request:" + requestId, requestId));
        return view(tenantId, parsed, hotel);
    }

    private static final java.util.regex.Pattern HOTEL_CODE = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,50}");

    private ConsentsDto view(String tenantId, ContactPoint parsed, String hotelCode) {
        ConsentsDto dto = view(tenantId, parsed);
        if (hotelCode == null) {
            return dto;
        }
        String scope = config.scopeOf(tenantId, hotelCode);
        record Key(String channel, String purpose) {
        }
        java.util.Map<Key, List<org.guestcrm.optout.domain.ConsentScope.ScopedState>> byKey = new java.util.LinkedHashMap<>();
        for (ConsentsDto.StateDto s : dto.current()) {
            byKey.computeIfAbsent(new Key(s.channel(), s.purpose()), k -> new ArrayList<>()).add(
                    new org.guestcrm.optout.domain.ConsentScope.ScopedState(s.scope(), ConsentStatus.valueOf(s.status()),
                            ConsentSource.valueOf(s.source()), s.effectiveAt()));
        }
        List<ConsentsDto.EffectiveDto> effective = new ArrayList<>();
        byKey.forEach((key, states) -> org.guestcrm.optout.domain.ConsentScope.effective(states, scope).ifPresent(e ->
                effective.add(new ConsentsDto.EffectiveDto(key.channel(), key.purpose(), e.status().name(), e.scope(),
                        e.source().name(), e.effectiveAt()))));
        return new ConsentsDto(dto.tenant(), dto.contactPoint(), dto.kind(), dto.current(), dto.history(), dto.heldBy(),
                hotelCode, effective);
    }

    private ConsentsDto view(String tenantId, ContactPoint parsed) {
        List<SourceProfileEntity> heldBy = ProfileContactPointEntity.listByTenantAndValue(tenantId, parsed.value()).stream()
                .map(row -> SourceProfileEntity.<SourceProfileEntity>findById(row.sourceProfileId))
                .distinct()
                .toList();
        return ConsentMapper.toDto(tenantId, parsed, ConsentStateEntity.listFor(tenantId, parsed.value()),
                ConsentEntryEntity.history(tenantId, parsed.value()), heldBy);
    }
}
