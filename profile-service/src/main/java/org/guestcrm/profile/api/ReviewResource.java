package org.guestcrm.profile.api;

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
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;

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

/**
 * The review queue (roles agent and admin), scoped by the token's tenants like every read: another tenant's review
 * item is 404 exactly like a missing one, and the item named in the path is looked up (and refused) before the request
 * body is read. Manual merge and split are on {@link GuestResource}.
 */
@Path("/api/v1/reviews")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewResource {

    private static final int PAGE = 200;

    @Inject
    TenantAccess access;
    @Inject
    GuestMerges merges;

    @GET
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Pending review items of a tenant (oldest first, up to 200), each with its evidence")
    public List<ReviewDto> pending(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        String admitted = access.require(tenant.trim(), () -> new GuestNotFoundException("No such tenant."));
        List<MatchDecisionEntity> items = MatchDecisionEntity.listPending(List.of(admitted), false, PAGE);
        Map<UUID, SourceProfileEntity> sources = new java.util.HashMap<>();
        List<UUID> ids = items.stream().map(d -> d.sourceProfileId).toList();
        if (!ids.isEmpty()) {
            SourceProfileEntity.<SourceProfileEntity>list("id in ?1", ids).forEach(s -> sources.put(s.id, s));
        }
        return items.stream().map(d -> GuestMapper.toReviewDto(d, sources.get(d.sourceProfileId))).toList();
    }

    @POST
    @Path("/{reviewId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @RolesAllowed({Roles.AGENT, Roles.ADMIN})
    @Operation(summary = "Decide a review item: MERGE (the candidate guest survives and keeps its id) or KEEP_APART "
            + "(never merged afterwards)")
    public ReviewDto decide(@PathParam("reviewId") String reviewId, ReviewDto.DecisionRequest request) {
        MatchDecisionEntity item = reviewItem(reviewId);
        String decision = request == null || request.decision() == null ? "" : request.decision().trim();
        if (!decision.equals("MERGE") && !decision.equals("KEEP_APART")) {
            throw new InvalidRequestException("The decision must be MERGE or KEEP_APART.",
                    List.of(new Problem.InvalidParam("decision", "is MERGE or KEEP_APART")));
        }
        merges.decide(item, decision.equals("MERGE"), access.actor(), request.reason());
        return GuestMapper.toReviewDto(item, SourceProfileEntity.findById(item.sourceProfileId));
    }

    private MatchDecisionEntity reviewItem(String reviewId) {
        long id;
        try {
            id = Long.parseLong(reviewId);
        } catch (NumberFormatException e) {
            throw new GuestNotFoundException("No review item " + reviewId + ".");
        }
        MatchDecisionEntity item = MatchDecisionEntity.findById(id);
        if (item == null || item.candidateGuestId == null || !access.mayAccess(item.tenant)) {
            throw new GuestNotFoundException("No review item " + id + ".");
        }
        return item;
    }

}
