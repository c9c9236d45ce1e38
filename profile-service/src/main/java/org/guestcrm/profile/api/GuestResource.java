package org.guestcrm.profile.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.GuestRecords;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Golden guest records, read-only. */
@Path("/api/v1/guests")
@Produces(MediaType.APPLICATION_JSON)
public class GuestResource {

    @Inject
    GuestRecords guestRecords;

    @GET
    @Path("/{guestId}")
    @Transactional
    @Operation(summary = "The golden record of one guest, with its contact points and source profiles")
    public GuestDto byId(@PathParam("guestId") String guestId) {
        UUID id = parseGuestId(guestId);
        return guestRecords.load(id)
                .map(g -> GuestMapper.toDto(g.guest(), g.contactPoints(), g.sourceProfiles(), g.linkedAt(), g.matchDecisions()))
                .orElseThrow(() -> new GuestNotFoundException("No guest " + id + "."));
    }

    @GET
    @Transactional
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
        UUID guestId = guestRecords.guestIdOfSourceProfile(tenant.trim(), sourceSystem.trim(), sourceProfileId.trim())
                .orElseThrow(() -> new GuestNotFoundException("No guest holds that source profile."));
        return byId(guestId.toString());
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
