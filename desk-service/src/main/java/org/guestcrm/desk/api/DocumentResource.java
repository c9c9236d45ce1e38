package org.guestcrm.desk.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.domain.DocumentState;
import org.guestcrm.desk.persistence.DocumentEntity;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.panache.common.Parameters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1")
@Tag(name = "Documents", description = "What each reservation owes its guest, and whether it arrived")
public class DocumentResource {

    public record DocumentView(String kind, String step, String state, String tenant, String hotelCode,
                               String pmsReservationId, Instant dueAt, Instant sentAt, Instant openedAt, String reason,
                               String communicationId, String lateTaskId, Instant updatedAt) {
    }

    @Inject
    TenantAccess access;

    @GET
    @Path("reservations/{tenant}/{hotelCode}/{pmsReservationId}/documents")
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The documents one reservation owes its guest",
            description = "Confirmation, pre-arrival information, online check-in, invoice (as the hotel is configured), "
                    + "each DUE, SENT, OPENED, MISSING (late, bounced, failed, skipped: a task was raised) or NOT_OWED.")
    @APIResponse(responseCode = "200", description = "The documents, by due time")
    @APIResponse(responseCode = "404", description = "Reservation never seen, or another tenant's (answered alike)")
    public List<DocumentView> ofReservation(@PathParam("tenant") String tenant, @PathParam("hotelCode") String hotelCode,
                                            @PathParam("pmsReservationId") String pmsReservationId) {
        access.require(tenant, () -> new DeskNotFoundException("Reservation"));
        String key = tenant + ":" + hotelCode + ":" + pmsReservationId;
        List<DocumentEntity> documents = DocumentEntity.list("reservationKey = ?1 order by dueAt, kind", key);
        if (documents.isEmpty() && ReservationStateEntity.count("reservationKey", key) == 0) {
            throw new DeskNotFoundException("Reservation");
        }
        return documents.stream().map(DocumentResource::view).toList();
    }

    @GET
    @Path("documents")
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A tenant's documents by state", description = "Default state MISSING: the alerts to act on.")
    @APIResponse(responseCode = "200", description = "The documents, soonest due first")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public List<DocumentView> list(@Parameter(required = true) @QueryParam("tenant") String tenant,
                                   @QueryParam("state") String state, @QueryParam("hotel") String hotel,
                                   @QueryParam("limit") Integer limit) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks().text(hotel, "hotel", 100);
        DocumentState wanted = DocumentState.MISSING;
        if (state != null) {
            try {
                wanted = DocumentState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                checks.require(false, "state", "one of DUE, SENT, OPENED, MISSING, NOT_OWED");
            }
        }
        int max = limit == null ? 200 : limit;
        checks.require(max >= 1 && max <= 1000, "limit", "between 1 and 1000").orRefuse();
        String query = "tenant = :tenant and state = :state" + (hotel == null ? "" : " and hotelCode = :hotel")
                + " order by dueAt, id";
        Parameters parameters = Parameters.with("tenant", tenant).and("state", wanted);
        if (hotel != null) {
            parameters.and("hotel", hotel);
        }
        return DocumentEntity.<DocumentEntity>find(query, parameters).page(0, max).list().stream()
                .map(DocumentResource::view).toList();
    }

    static DocumentView view(DocumentEntity d) {
        return new DocumentView(d.kind.name(), d.step, d.state.name(), d.tenant, d.hotelCode, d.pmsReservationId, d.dueAt,
                d.sentAt, d.openedAt, d.reason, d.communicationId == null ? null : d.communicationId.toString(),
                d.lateTaskId == null ? null : d.lateTaskId.toString(), d.updatedAt);
    }
}
