package org.guestcrm.desk.api;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.LeadStatus;
import org.guestcrm.desk.messaging.Cause;
import org.guestcrm.desk.messaging.LeadDesk;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

@Path("/api/v1/inquiries")
@Tag(name = "Inquiries", description = "Requests that are not bookings yet: each becomes a lead and a call-back task")
public class InquiryResource {

    @Inject
    TenantAccess access;
    @Inject
    LeadDesk leads;
    @Inject
    DeskClock clock;
    @Inject
    DeskRules rules;

    @POST
    @RolesAllowed(Roles.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Record an inquiry",
            description = "Creates a lead on the guest and a call-back task for the hotel, due by the hotel's rule "
                    + "(e.g. within 2 working hours). With an Idempotency-Key, a repeated post answers the first lead.")
    @APIResponse(responseCode = "201", description = "The lead, with its call-back task; Location names it")
    @APIResponse(responseCode = "200", description = "The lead an earlier post with the same Idempotency-Key created")
    @APIResponse(responseCode = "400", description = "Invalid fields, named in invalidParams")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public Response post(@Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
                         @Parameter(description = "Makes a repeated post (a web form sent twice) create one lead")
                         @HeaderParam("Idempotency-Key") String idempotencyKey,
                         Dtos.InquiryRequest body) {
        TenantParam.require(access, tenant);
        new Checks().text(idempotencyKey, "Idempotency-Key", 200).orRefuse();
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            Optional<LeadEntity> earlier = LeadEntity.find("tenant = ?1 and idempotencyKey = ?2", tenant,
                    idempotencyKey).firstResultOptional();
            if (earlier.isPresent()) {
                return Response.ok(LeadResource.view(earlier.get())).build();
            }
        }
        Checks checks = new Checks();
        checks.require(body != null, "body", "is required").orRefuse();
        checks.requiredText(body.hotelCode(), "hotelCode", 100);
        Dtos.GuestContact guest = body.guest();
        String email = null;
        String phone = null;
        if (guest == null) {
            checks.require(false, "guest", "is required");
        } else {
            checks.requiredText(guest.name(), "guest.name", 200).text(guest.language(), "guest.language", 20);
            if (guest.email() != null && !guest.email().isBlank()) {
                checks.text(guest.email(), "guest.email", 320);
                email = ContactPointNormaliser.email(guest.email()).orElse(null);
                checks.require(email != null, "guest.email", "is not an e-mail address");
            }
            if (guest.phone() != null && !guest.phone().isBlank()) {
                checks.text(guest.phone(), "guest.phone", 40);
                phone = ContactPointNormaliser.phone(guest.phone()).orElse(null);
                checks.require(phone != null && phone.length() >= 6 && phone.length() <= 16, "guest.phone",
                        "is not a phone number");
            }
            boolean hasEmail = guest.email() != null && !guest.email().isBlank();
            boolean hasPhone = guest.phone() != null && !guest.phone().isBlank();
            checks.require(hasEmail || hasPhone, "guest.email",
                    "an e-mail or a phone number is needed to answer the inquiry");
        }
        checks.require(body.arrival() != null, "arrival", "is required");
        checks.require(body.departure() != null, "departure", "is required");
        if (body.arrival() != null && body.departure() != null) {
            checks.require(body.departure().isAfter(body.arrival()), "departure", "must be after arrival");
        }
        int adults = body.adults() == null ? 1 : body.adults();
        int children = body.children() == null ? 0 : body.children();
        int rooms = body.rooms() == null ? 1 : body.rooms();
        checks.require(adults >= 1 && adults <= 100, "adults", "between 1 and 100");
        checks.require(children >= 0 && children <= 100, "children", "between 0 and 100");
        checks.require(rooms >= 1 && rooms <= 200, "rooms", "between 1 and 200");
        checks.text(body.roomType(), "roomType", 100).text(body.message(), "message", 2000)
                .text(body.channel(), "channel", 40);
        checks.orRefuse();
        java.time.Instant now = clock.now();
        LocalDate today = now.atZone(rules.of(tenant, body.hotelCode()).hours().zone()).toLocalDate();
        new Checks().require(!body.arrival().isBefore(today), "arrival", "must not be in the past").orRefuse();

        LeadEntity lead = new LeadEntity();
        lead.id = UUID.randomUUID();
        lead.tenant = tenant;
        lead.hotelCode = body.hotelCode().trim();
        lead.origin = LeadEntity.ORIGIN_API;
        lead.status = LeadStatus.OPEN;
        lead.guestName = guest.name().trim();
        lead.guestEmail = email;
        lead.guestPhone = phone;
        lead.language = guest.language();
        lead.arrival = body.arrival();
        lead.departure = body.departure();
        lead.adults = adults;
        lead.children = children;
        lead.rooms = rooms;
        lead.roomType = body.roomType();
        lead.message = body.message();
        lead.channel = body.channel() == null ? "API" : body.channel();
        lead.receivedAt = now;
        lead.idempotencyKey = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey;
        lead.createdBy = access.actor();
        lead.updatedAt = now;
        lead.persist();
        TaskEntity task = leads.openCallBack(lead, now, Cause.request());
        return Response.created(URI.create("/api/v1/leads/" + lead.id))
                .entity(DeskViews.of(lead, List.of(task), List.of())).build();
    }
}
