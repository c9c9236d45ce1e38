package org.guestcrm.journey.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Every communication of one golden guest (issue 9): the messages keyed by the guest (campaigns, occasions, re-keyed
 * to it by a merge) and the journey messages of the reservations whose lead guest is one of its PMS profiles
 * (crm.guests' sourceProfiles, moved by merges and splits); newest due first, page by page.
 */
@Path("/api/v1/guests/{tenant}/{guestId}/communications")
@Tag(name = "Communications", description = "The journey of one reservation")
public class GuestCommunicationsResource {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    static final int MAX_PAGE = 100_000;

    @Inject
    TenantAccess access;
    @Inject
    CommunicationRepository communications;

    /** One communication of the guest. */
    @Schema(name = "GuestCommunication", description = "One communication of a guest")
    public record GuestCommunicationView(
            @Schema(description = "Communication id") UUID id,
            @Schema(description = "Step: a journey step, CAMPAIGN, WIN_BACK, BIRTHDAY, STAY_ANNIVERSARY") String step,
            @Schema(description = "Channel", enumeration = {"EMAIL", "SMS"}) String channel,
            @Schema(description = "Status; SCHEDULED, RESCHEDULED and HELD are pending") String status,
            @Schema(description = "Why it was cancelled, skipped, failed, held or re-keyed", nullable = true)
            String reason,
            @Schema(description = "When it is (or was) planned to go") Instant plannedAt,
            @Schema(description = "When it was sent", nullable = true) Instant sentAt,
            @Schema(description = "When it was cancelled", nullable = true) Instant cancelledAt,
            @Schema(description = "Hotel code") String hotelCode,
            @Schema(description = "The PMS reservation id of a journey message", nullable = true)
            String pmsReservationId,
            @Schema(description = "The campaign of a campaign message", nullable = true) UUID campaignId,
            @Schema(description = "The guest a merge re-keyed it from", nullable = true) String previousGuestId,
            @Schema(description = "Last change") Instant updatedAt) {
    }

    /** One page; {@code nextPage} is null on the last one. */
    @Schema(name = "GuestCommunicationsPage")
    public record GuestCommunicationsPage(String tenant, String guestId, int page, int size, Integer nextPage,
                                          List<GuestCommunicationView> communications) {
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List a guest's communications",
            description = "Every communication of the golden guest: its campaign and occasion messages and the "
                    + "journey messages of the reservations whose lead guest is one of its PMS profiles; newest planned "
                    + "time first, page by page (page from 0, size 1-200, default 50).")
    @APIResponse(responseCode = "200", description = "One page of communications",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = GuestCommunicationsPage.class)))
    @APIResponse(responseCode = "400", description = "Invalid parameters, named in invalidParams (guestId, page, size)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "401", description = "No valid staff token")
    @APIResponse(responseCode = "403", description = "The token has none of the roles viewer, agent, marketer, admin")
    @APIResponse(responseCode = "404", description = "The guest is unknown here, or the token does not admit the "
            + "tenant (answered exactly alike)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public GuestCommunicationsPage list(
            @Parameter(description = "Tenant (hotel group) id") @PathParam("tenant") String tenant,
            @Parameter(description = "Golden guest id") @PathParam("guestId") String guestId,
            @Parameter(description = "Page number from 0 (default 0)") @QueryParam("page") String page,
            @Parameter(description = "Communications per page, 1-200 (default 50)") @QueryParam("size") String size) {
        // Another tenant's guest is answered exactly as an unknown one, before anything is read.
        access.require(tenant, () -> new NotFoundException("No guest " + guestId + " is known"));
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (guestId == null || guestId.isBlank() || guestId.length() > 100) {
            invalid.add(new Problem.InvalidParam("guestId", "must be a guest id of 1 to 100 characters"));
        }
        int pageNumber = QueryNumbers.number(page, "page", 0, 0, MAX_PAGE, invalid);
        int pageSize = QueryNumbers.number(size, "size", DEFAULT_SIZE, 1, MAX_SIZE, invalid);
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The request has invalid parameters: "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()), invalid);
        }
        List<CommunicationEntity> rows = communications.pageForGuest(tenant, guestId, pageNumber * pageSize,
                pageSize + 1);
        if (rows.isEmpty() && !communications.guestKnown(tenant, guestId)) {
            throw new NotFoundException("No guest " + guestId + " is known");
        }
        boolean more = rows.size() > pageSize;
        return new GuestCommunicationsPage(tenant, guestId, pageNumber, pageSize, more ? pageNumber + 1 : null,
                rows.stream().limit(pageSize).map(GuestCommunicationsResource::viewOf).toList());
    }

    private static GuestCommunicationView viewOf(CommunicationEntity c) {
        return new GuestCommunicationView(c.id, c.step.name(), c.channel.name(), c.status.name(), c.reason, c.dueAt,
                c.sentAt, c.cancelledAt, c.hotelCode, c.pmsReservationId, c.campaignId, c.previousGuestId,
                c.updatedAt);
    }

}
