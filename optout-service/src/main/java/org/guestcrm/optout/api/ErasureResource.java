package org.guestcrm.optout.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.messaging.Erasures;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A staff erasure (the guest asked at the desk or by letter, identity checked by staff): role agent or admin, the
 * token's tenant. Executed here at once, as the preference centre's (this service's rows deleted, a keyed suppression
 * kept), and published on crm.erasures for the other services: 202 with the erasure's id.
 */
@Path("/api/v1/erasures")
@Produces(MediaType.APPLICATION_JSON)
public class ErasureResource {

    @Inject
    TenantAccess access;
    @Inject
    OptoutConfig config;
    @Inject
    GuestDirectory guests;
    @Inject
    Erasures erasures;

    /** A contact point (e-mail, phone, postal key) and/or a golden guest id; at least one. */
    public record ErasureRequest(String contactPoint, String guestId) {
    }

    /** The executed erasure: its id (the one on crm.erasures), the guest, how many contact points and PMS profiles. */
    public record ErasureDto(UUID erasureId, String guestId, int contactPoints, int sourceProfiles) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Erase a person (a contact point and/or a golden guest): executed here, ErasureRequested on"
            + " crm.erasures for the other services; 202 with the erasure id; an unknown guest without contact point 404")
    public Response erase(@Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            ErasureRequest request) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Invalid query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String tenantId = access.require(tenant.trim(), NotFoundException::new);
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        boolean noContactPoint = request == null || request.contactPoint() == null || request.contactPoint().isBlank();
        boolean noGuest = request == null || request.guestId() == null || request.guestId().isBlank();
        ContactPoint parsed = null;
        if (noContactPoint && noGuest) {
            invalid.add(new Problem.InvalidParam("contactPoint", "or guestId is required"));
        } else if (!noContactPoint) {
            parsed = ContactPoint.parse(request.contactPoint(), config.phoneRegion(tenantId, null).orElse(null)).orElse(null);
            if (parsed == null) {
                invalid.add(new Problem.InvalidParam("contactPoint",
                        "is neither an e-mail address, a phone number nor a postal key COUNTRY|postcode|street line"));
            }
        }
        if (!noGuest && request.guestId().length() > 100) {
            invalid.add(new Problem.InvalidParam("guestId", "is at most 100 characters"));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Invalid field(s): "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()) + ".", invalid);
        }
        String guestId = noGuest ? null : request.guestId().trim();
        if (guestId != null && parsed == null && guests.survivorOf(tenantId, guestId).isEmpty()) {
            throw new NotFoundException("Unknown guest");
        }
        Erasures.Outcome outcome = erasures.execute(tenantId, parsed, guestId,
                new Erasures.Requester(ErasureRequester.STAFF, access.actor(), "staff-request:" + UUID.randomUUID()));
        return Response.accepted(new ErasureDto(outcome.erasureId(), outcome.guestId(), outcome.contactPointRefs().size(),
                outcome.sourceProfiles())).build();
    }
}
