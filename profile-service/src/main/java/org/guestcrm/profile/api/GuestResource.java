package org.guestcrm.profile.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.messaging.GuestMerges;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.profile.persistence.GuestExport;
import org.guestcrm.profile.persistence.GuestRecords;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * Golden guest records, read-only, for staff tokens (viewer, agent, marketer, admin). Every read is scoped by the
 * token's tenants ({@link TenantAccess}): a guest of another tenant is answered exactly as a missing one (404), and a
 * tenant named in the query is checked against the token the same way.
 */
@Path("/api/v1/guests")
@Produces(MediaType.APPLICATION_JSON)
public class GuestResource {

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    GuestRecords guestRecords;
    @Inject
    GuestExport export;
    @Inject
    TenantAccess access;
    @Inject
    org.guestcrm.profile.messaging.GuestMerges merges;
    @Inject
    org.guestcrm.profile.messaging.GuestErasure erasure;
    @Inject
    org.guestcrm.profile.persistence.GuestSearch search;
    @Inject
    org.guestcrm.profile.config.ProfileConfig config;
    @Inject
    org.guestcrm.platform.audit.AuditTrail audit;

    /** At most this many guests per search answer. */
    static final int SEARCH_LIMIT = 50;

    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Find a tenant's guests (POST /api/v1/guests/search?tenant=...) by e-mail, phone (E.164 or national form in the tenant's region) or "
            + "name (lastName, optionally firstName); criteria in the body so they stay out of URLs; at most 50 guests, "
            + "each returned guest recorded in the audit trail")
    public PrivacyDto.SearchResult search(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenantParam,
            PrivacyDto.SearchRequest request) {
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        requirePresent("tenant", tenantParam, invalid);
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.", invalid);
        }
        String tenant = access.require(tenantParam.trim(), () -> new GuestNotFoundException("No such tenant."));
        if (request == null) {
            throw new InvalidRequestException("A search needs a body.", List.of(new Problem.InvalidParam("body", "is required")));
        }
        String email = null;
        String phone = null;
        String surname = null;
        String givenName = null;
        if (present(request.email())) {
            email = org.guestcrm.platform.domain.ContactPointNormaliser.email(request.email()).orElse(null);
            if (email == null) {
                invalid.add(new Problem.InvalidParam("email", "is not an e-mail address"));
            }
        }
        if (present(request.phone())) {
            phone = org.guestcrm.platform.domain.ContactPointNormaliser.e164(request.phone(), null).orElse(null);
            for (String region : config.phoneRegions(tenant, null, null, null)) {
                phone = phone != null ? phone : org.guestcrm.platform.domain.ContactPointNormaliser.e164(request.phone(), region).orElse(null);
            }
            if (phone == null) {
                invalid.add(new Problem.InvalidParam("phone", "is not a valid phone number (give it with its country code)"));
            }
        }
        if (present(request.lastName()) || present(request.firstName())) {
            var person = org.guestcrm.profile.domain.matching.PersonRecord.of("search", request.firstName(),
                    request.lastName(), null, null, null, null, null, null,
                    org.guestcrm.profile.domain.matching.EmailEvidence.standard());
            surname = person.surname();
            givenName = present(request.firstName()) ? person.givenName() : null;
            if (surname == null) {
                invalid.add(new Problem.InvalidParam("lastName", present(request.lastName())
                        ? "has no letters" : "is required for a search by name"));
            }
            if (present(request.firstName()) && givenName == null) {
                invalid.add(new Problem.InvalidParam("firstName", "has no letters"));
            }
        }
        if (invalid.isEmpty() && email == null && phone == null && surname == null) {
            invalid.add(new Problem.InvalidParam("email", "or phone or lastName is required"));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The search criteria are not usable.", invalid);
        }
        var found = search.find(tenant, email, phone, surname, givenName, SEARCH_LIMIT);
        List<PrivacyDto.SearchHit> hits = new ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        String roles = String.join(",", new java.util.TreeSet<>(access.roles()));
        found.matchedOn().forEach((guestId, on) -> {
            var guest = org.guestcrm.profile.persistence.GuestEntity.<org.guestcrm.profile.persistence.GuestEntity>findById(guestId);
            String primaryEmail = org.guestcrm.profile.persistence.GuestContactPointEntity.listByGuest(guestId).stream()
                    .filter(c -> c.primary && c.kind == org.guestcrm.platform.domain.ContactKind.EMAIL)
                    .map(c -> c.value).findFirst().orElse(null);
            hits.add(new PrivacyDto.SearchHit(guestId, guest.firstName, guest.lastName, guest.birthDate, primaryEmail,
                    List.copyOf(on)));
            // Each guest shown is a read of guest data: one audit entry per guest (the request itself is audited too).
            audit.record(new org.guestcrm.platform.audit.AuditEntry(0, now, access.actor(), tenant, roles,
                    "SEARCH_RESULT POST /api/v1/guests/search", "guestId=" + guestId, null, 200));
        });
        return new PrivacyDto.SearchResult(hits, found.truncated());
    }

    @GET
    @Path("/{guestId}/personal-data")
    @Transactional
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "GDPR access: everything held about a guest (the golden record, every source profile with all "
            + "its stored fields, stays, match decisions with their evidence, merged-away aliases)")
    public PrivacyDto.PersonalDataExport personalData(@PathParam("guestId") String guestId) {
        UUID id = accessibleGuest(guestId, "guestId");
        GuestDto dto = byId(id.toString());
        var stored = guestRecords.load(id).orElseThrow(() -> new GuestNotFoundException("No guest " + id + "."));
        Map<UUID, SourceProfileEntity> byId = new java.util.HashMap<>();
        stored.sourceProfiles().forEach(s -> byId.put(s.id, s));
        List<ReviewDto> decisions = org.guestcrm.profile.persistence.MatchDecisionEntity.listByGuest(id).stream()
                .map(d -> GuestMapper.toReviewDto(d, byId.get(d.sourceProfileId))).toList();
        List<UUID> aliases = org.guestcrm.profile.persistence.GuestEntity
                .<org.guestcrm.profile.persistence.GuestEntity>list("mergedInto", id).stream().map(g -> g.id).toList();
        return new PrivacyDto.PersonalDataExport(java.time.Instant.now(), dto,
                stored.sourceProfiles().stream().map(GuestMapper::allFields).toList(),
                stored.stays().stream().map(GuestMapper::allFields).toList(), decisions, aliases);
    }

    @POST
    @Path("/{guestId}/erasure")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "GDPR erasure: deletes every personal datum of the guest (source profiles, contact points, "
            + "stays, decisions), keeps hashed suppression markers so a feed re-sending the profiles creates nothing, "
            + "and publishes a GuestUpdated without personal data on crm.guests; the id answers 404 afterwards")
    public PrivacyDto.ErasureResult erase(@PathParam("guestId") String guestId, PrivacyDto.ErasureRequest request) {
        UUID id = accessibleGuest(guestId, "guestId");
        var result = erasure.erase(id, access.actor());
        return new PrivacyDto.ErasureResult(result.guestId(), result.requestId(), result.erasedAt(), result.sourceProfiles(),
                result.contactPoints(), result.stays(), result.markers());
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @GET
    @Path("/{guestId}")
    @Transactional
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "The golden record of one guest, with its contact points and source profiles (an id merged "
            + "into another guest answers the surviving guest, with its id)")
    public GuestDto byId(@PathParam("guestId") String guestId) {
        UUID id = parseGuestId(guestId);
        GuestNotFoundException notFound = new GuestNotFoundException("No guest " + id + ".");
        // An id merged into another guest is an alias: it answers the survivor (with the survivor's id).
        UUID current = org.guestcrm.profile.messaging.GuestMerges.resolve(id).map(g -> g.id).orElse(id);
        return guestRecords.load(current)
                .filter(g -> g.guest().erasedAt == null && access.mayAccess(g.guest().tenant))
                .map(g -> GuestMapper.toDto(g.guest(), g.contactPoints(), g.sourceProfiles(), g.linkedAt(), g.matchDecisions(),
                        GuestMapper.staySummary(g.stays())))
                .orElseThrow(() -> notFound);
    }

    @GET
    @Transactional
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "The guest a PMS profile belongs to")
    public GuestDto bySourceProfile(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "PMS system (feed id)", required = true) @QueryParam("sourceSystem") String sourceSystem,
            @Parameter(description = "Profile id in that PMS", required = true) @QueryParam("sourceProfileId") String sourceProfileId) {
        List<Problem.InvalidParam> missing = new ArrayList<>();
        requirePresent("tenant", tenant, missing);
        requirePresent("sourceSystem", sourceSystem, missing);
        requirePresent("sourceProfileId", sourceProfileId, missing);
        if (!missing.isEmpty()) {
            throw new InvalidRequestException("Missing query parameter(s): "
                    + String.join(", ", missing.stream().map(Problem.InvalidParam::name).toList()) + ".", missing);
        }
        access.require(tenant.trim(), () -> new GuestNotFoundException("No guest holds that source profile."));
        UUID guestId = guestRecords.guestIdOfSourceProfile(tenant.trim(), sourceSystem.trim(), sourceProfileId.trim())
                .orElseThrow(() -> new GuestNotFoundException("No guest holds that source profile."));
        return byId(guestId.toString());
    }

    @GET
    @Path("/export")
    @Produces(NDJSON)
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "Every guest of a tenant with its source profiles, streamed as NDJSON (one guest a line: "
            + "{\"guestId\": ..., \"sources\": [{\"pmsSystem\": ..., \"pmsProfileId\": ...}]})")
    public StreamingOutput exportGuests(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String admitted = access.require(tenant.trim(), () -> new GuestNotFoundException("No such tenant."));
        return output -> export.write(admitted, output, GuestExport.Format.NDJSON);
    }

    @GET
    @Path("/export")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Operation(summary = "The same export as one JSON array (Accept: application/json), streamed")
    public StreamingOutput exportGuestsAsJsonArray(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String admitted = access.require(tenant.trim(), () -> new GuestNotFoundException("No such tenant."));
        return output -> export.write(admitted, output, GuestExport.Format.JSON_ARRAY);
    }

    @POST
    @Path("/{guestId}/merge")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Merge another guest into this one: this guest keeps its id, the other id answers this guest "
            + "afterwards; GuestMerged on crm.guest-merges")
    public GuestDto merge(@PathParam("guestId") String guestId, ReviewDto.MergeRequest request) {
        UUID survivor = accessibleGuest(guestId, "guestId");
        if (request == null || request.otherGuestId() == null || request.otherGuestId().isBlank()) {
            throw new InvalidRequestException("Name the guest to merge into this one.",
                    List.of(new Problem.InvalidParam("otherGuestId", "is required")));
        }
        UUID other = accessibleGuest(request.otherGuestId(), "otherGuestId");
        merges.merge(survivor, other, access.actor(), request.reason());
        return byId(survivor.toString());
    }

    @POST
    @Path("/{guestId}/split")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Split one source profile out of this guest into a new guest (this guest keeps its id; the "
            + "two are never merged again by the model); GuestSplit on crm.guest-merges. Answers the new guest")
    public GuestDto split(@PathParam("guestId") String guestId, ReviewDto.SplitRequest request) {
        UUID id = accessibleGuest(guestId, "guestId");
        if (request == null || request.pmsSystem() == null || request.pmsSystem().isBlank()
                || request.pmsProfileId() == null || request.pmsProfileId().isBlank()) {
            throw new InvalidRequestException("Name the source profile to split out (pmsSystem, pmsProfileId).",
                    List.of(new Problem.InvalidParam("pmsSystem", "is required"),
                            new Problem.InvalidParam("pmsProfileId", "is required")));
        }
        var guest = GuestMerges.resolve(id).orElseThrow();
        SourceProfileEntity source = SourceProfileEntity.findByKey(guest.tenant, request.pmsSystem().trim(),
                request.pmsProfileId().trim()).orElseThrow(() -> new GuestNotFoundException("No such source profile."));
        var created = merges.split(guest, source, access.actor(), request.reason());
        return byId(created.id.toString());
    }

    @POST
    @Path("/{guestId}/unmerge")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Undo a merge (automatic or manual): the source profiles that came from the merged guest move "
            + "back to it, its id answers itself again, the two are never joined again by the model; GuestSplit on "
            + "crm.guest-merges. Answers the restored guest")
    public GuestDto unmerge(@PathParam("guestId") String guestId, ReviewDto.UnmergeRequest request) {
        UUID survivor = accessibleGuest(guestId, "guestId");
        if (request == null || request.mergedGuestId() == null || request.mergedGuestId().isBlank()) {
            throw new InvalidRequestException("Name the guest merged into this one.",
                    List.of(new Problem.InvalidParam("mergedGuestId", "is required")));
        }
        UUID current = accessibleGuest(request.mergedGuestId(), "mergedGuestId");
        UUID merged = UUID.fromString(request.mergedGuestId().trim());
        if (!current.equals(survivor) || merged.equals(survivor)) {
            throw new GuestMerges.Conflict("That guest is not merged into this one.");
        }
        var restored = merges.unmerge(survivor, merged, access.actor(), request.reason());
        return byId(restored.id.toString());
    }

    /** The guest (or the survivor an old id names) if the token may see it; 404 otherwise. */
    private UUID accessibleGuest(String guestId, String parameter) {
        UUID id;
        try {
            id = UUID.fromString(guestId.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("The guest id must be a UUID.",
                    List.of(new Problem.InvalidParam(parameter, "is not a UUID")));
        }
        return GuestMerges.resolve(id).filter(g -> g.erasedAt == null && access.mayAccess(g.tenant)).map(g -> g.id)
                .orElseThrow(() -> new GuestNotFoundException("No guest " + id + "."));
    }

    private static void requirePresent(String name, String value, List<Problem.InvalidParam> missing) {
        if (value == null || value.isBlank()) {
            missing.add(new Problem.InvalidParam(name, "is required"));
        }
    }

    private static UUID parseGuestId(String guestId) {
        try {
            return UUID.fromString(guestId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("The guest id must be a UUID.",
                    List.of(new Problem.InvalidParam("guestId", "is not a UUID")));
        }
    }
}
