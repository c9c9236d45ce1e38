package org.guestcrm.journey.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/reservations/{tenant}/{hotelCode}/{pmsReservationId}/communications")
@Tag(name = "Communications", description = "The journey of one reservation")
public class ReservationCommunicationsResource {

    @Inject
    ReservationRepository reservations;

    @Inject
    CommunicationRepository communications;

    @Inject
    TenantAccess access;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List a reservation's communications",
            description = "Every communication planned for the reservation (scheduled, sent, cancelled, skipped, "
                    + "failed), ordered by due time.")
    @APIResponse(responseCode = "200", description = "The communications, by due time",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = CommunicationView.class)))
    @APIResponse(responseCode = "401", description = "No valid staff token")
    @APIResponse(responseCode = "403", description = "The token has none of the roles viewer, agent, marketer, admin")
    @APIResponse(responseCode = "404", description = "The reservation has never been seen, or belongs to a tenant the "
            + "token does not admit (answered exactly alike)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "400", description = "Invalid path parameters",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    public List<CommunicationView> list(
            @Parameter(description = "Tenant (hotel group) id") @PathParam("tenant") @NotBlank @Size(max = 100)
            String tenant,
            @Parameter(description = "Hotel code") @PathParam("hotelCode") @NotBlank @Size(max = 100)
            String hotelCode,
            @Parameter(description = "The PMS's reservation id") @PathParam("pmsReservationId") @NotBlank
            @Size(max = 200) String pmsReservationId) {
        // Another tenant's reservation is answered exactly as a missing one, before anything is read.
        access.require(tenant, () -> new ReservationNotFoundException(tenant, hotelCode, pmsReservationId));
        if (reservations.findByKey(tenant, hotelCode, pmsReservationId).isEmpty()) {
            throw new ReservationNotFoundException(tenant, hotelCode, pmsReservationId);
        }
        return JourneyMapper.viewsOf(communications.listForReservation(tenant, hotelCode, pmsReservationId));
    }
}
