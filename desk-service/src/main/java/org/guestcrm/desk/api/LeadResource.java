package org.guestcrm.desk.api;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.config.DeskConfig;
import org.guestcrm.desk.domain.LeadStatus;
import org.guestcrm.desk.messaging.LeadDesk;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.QuoteEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.panache.common.Parameters;
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
import jakarta.ws.rs.core.Response;

@Path("/api/v1/leads")
@Tag(name = "Leads", description = "Requests not yet booked, their tasks and quotes")
public class LeadResource {

    @Inject
    TenantAccess access;
    @Inject
    LeadDesk leads;
    @Inject
    DeskClock clock;
    @Inject
    DeskConfig config;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List a tenant's leads", description = "Newest first; optionally of one hotel or status.")
    @APIResponse(responseCode = "200", description = "The leads (without tasks and quotes)")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public List<Dtos.LeadView> list(
            @Parameter(required = true) @QueryParam("tenant") String tenant,
            @QueryParam("hotel") String hotel,
            @QueryParam("status") String status,
            @QueryParam("limit") Integer limit) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks().text(hotel, "hotel", 100);
        LeadStatus wanted = null;
        if (status != null) {
            try {
                wanted = LeadStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                checks.require(false, "status", "one of OPEN, BOOKED, LOST, NO_ANSWER");
            }
        }
        int max = limit == null ? 100 : limit;
        checks.require(max >= 1 && max <= 1000, "limit", "between 1 and 1000").orRefuse();
        StringBuilder query = new StringBuilder("tenant = :tenant");
        Parameters parameters = Parameters.with("tenant", tenant);
        if (hotel != null) {
            query.append(" and hotelCode = :hotel");
            parameters.and("hotel", hotel);
        }
        if (wanted != null) {
            query.append(" and status = :status");
            parameters.and("status", wanted);
        }
        query.append(" order by receivedAt desc, id");
        return LeadEntity.<LeadEntity>find(query.toString(), parameters).page(0, max).list().stream()
                .map(lead -> DeskViews.of(lead, List.of(), List.of())).toList();
    }

    @GET
    @Path("{leadId}")
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One lead with its tasks and quotes")
    @APIResponse(responseCode = "200", description = "The lead")
    @APIResponse(responseCode = "404", description = "No such lead, or another tenant's (answered alike)")
    public Dtos.LeadView get(@PathParam("leadId") String leadId) {
        return view(find(leadId));
    }

    @POST
    @Path("{leadId}/quotes")
    @RolesAllowed(Roles.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Attach a quote to a lead",
            description = "Rooms, dates, price and validity. The lead counts as answered. A quote still open "
                    + "desk.quotes.follow-up-before its expiry raises a follow-up task; a booking of the same guest "
                    + "and stay marks it booked and closes the lead's tasks.")
    @APIResponse(responseCode = "201", description = "The quote")
    @APIResponse(responseCode = "400", description = "Invalid fields, named in invalidParams")
    @APIResponse(responseCode = "404", description = "No such lead, or another tenant's")
    @APIResponse(responseCode = "409", description = "The lead is closed")
    public Response quote(@PathParam("leadId") String leadId, Dtos.QuoteRequest body) {
        LeadEntity found = find(leadId);
        Instant now = clock.now();
        Checks checks = new Checks();
        checks.require(body != null, "body", "is required").orRefuse();
        checks.requiredText(body.roomType(), "roomType", 100);
        int rooms = body.rooms() == null ? 1 : body.rooms();
        checks.require(rooms >= 1 && rooms <= 200, "rooms", "between 1 and 200");
        checks.require(body.arrival() != null, "arrival", "is required");
        checks.require(body.departure() != null, "departure", "is required");
        if (body.arrival() != null && body.departure() != null) {
            checks.require(body.departure().isAfter(body.arrival()), "departure", "must be after arrival");
        }
        if (body.price() == null) {
            checks.require(false, "price", "is required");
        } else {
            BigDecimal amount = body.price().amount();
            checks.require(amount != null && amount.signum() >= 0 && amount.scale() <= 2
                    && amount.compareTo(new BigDecimal("9999999999.99")) <= 0, "price.amount",
                    "a non-negative amount with at most 2 decimals");
            checks.require(body.price().currency() != null && body.price().currency().matches("[A-Z]{3}"),
                    "price.currency", "an ISO 4217 code such as EUR");
        }
        checks.require(body.validUntil() != null, "validUntil", "is required");
        if (body.validUntil() != null) {
            checks.require(body.validUntil().isAfter(now), "validUntil", "must be in the future");
            Duration max = config.quotes().maxValidity();
            checks.require(!body.validUntil().isAfter(now.plus(max)), "validUntil", "at most " + max.toDays()
                    + " days ahead");
        }
        checks.orRefuse();
        LeadEntity lead = leads.lockLead(found.id);
        if (lead.status != LeadStatus.OPEN) {
            throw new DeskConflictException("The lead is " + lead.status + "; a quote needs an open lead.");
        }
        QuoteEntity quote = new QuoteEntity();
        quote.id = UUID.randomUUID();
        quote.tenant = lead.tenant;
        quote.leadId = lead.id;
        quote.hotelCode = lead.hotelCode;
        quote.roomType = body.roomType().trim();
        quote.rooms = rooms;
        quote.arrival = body.arrival();
        quote.departure = body.departure();
        quote.amount = body.price().amount();
        quote.currency = body.price().currency();
        quote.validUntil = body.validUntil();
        quote.status = QuoteEntity.OPEN;
        quote.createdAt = now;
        quote.createdBy = access.actor();
        quote.updatedAt = now;
        quote.persist();
        // The offer's stay is what a booking must match from now on.
        lead.arrival = quote.arrival;
        lead.departure = quote.departure;
        leads.quoted(lead, now);
        return Response.created(URI.create("/api/v1/leads/" + lead.id)).entity(DeskViews.of(quote)).build();
    }

    private LeadEntity find(String leadId) {
        UUID id;
        try {
            id = UUID.fromString(leadId);
        } catch (IllegalArgumentException e) {
            throw new DeskNotFoundException("Lead");
        }
        LeadEntity lead = LeadEntity.findById(id);
        if (lead == null) {
            throw new DeskNotFoundException("Lead");
        }
        access.require(lead.tenant, () -> new DeskNotFoundException("Lead"));
        return lead;
    }

    static Dtos.LeadView view(LeadEntity lead) {
        List<TaskEntity> tasks = TaskEntity.list("leadId = ?1 order by createdAt, id", lead.id);
        List<QuoteEntity> quotes = QuoteEntity.list("leadId = ?1 order by createdAt, id", lead.id);
        return DeskViews.of(lead, tasks, quotes);
    }
}
