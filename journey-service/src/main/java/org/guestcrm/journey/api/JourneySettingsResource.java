package org.guestcrm.journey.api;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.domain.JourneyOverride;
import org.guestcrm.journey.settings.JourneySettings;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A tenant's and a hotel's journey settings (issue 9, role marketer): step offsets and times, late-booking policies
 * and freshness windows, the in-stay minimum, quiet hours and the no-show cut-off. A PUT replaces that level's own
 * settings (a field left out is inherited: the hotel's from the tenant's, the tenant's from the properties) and holds
 * for messages planned from then on (a pending step follows it at its reservation's next change).
 */
@Path("/api/v1/journeys/{tenant}")
@Tag(name = "Journey settings", description = "When each step of a tenant's or hotel's journey goes")
public class JourneySettingsResource {

    private static final String EXAMPLE = "{\"steps\": {\"preStay\": {\"daysFromArrival\": -5, \"at\": \"09:00\"}, "
            + "\"inStay\": {\"minimumNights\": 3}, \"postStaySurvey\": {\"daysFromDeparture\": 2, "
            + "\"lateBooking\": \"SKIP\", \"freshness\": \"P3D\"}}, \"quietHours\": \"22:00-07:00\", "
            + "\"noShowCutoff\": \"06:00+1\"}";

    @Inject
    TenantAccess access;
    @Inject
    JourneySettings settings;
    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    /** One level's settings: its own ({@code override}, only the fields set) and what holds ({@code effective}). */
    @Schema(name = "JourneySettings")
    public record JourneySettingsView(String tenant, String hotelCode, Map<String, Object> override,
                                      Map<String, Object> effective, String updatedBy, Instant updatedAt,
                                      ReplanView replan) {
    }

    /**
     * The background re-plan of the pending steps a PUT started (issue 9): its id, status (PENDING, DONE, FAILED: a page
     * failed {@code MAX_PAGE_ATTEMPTS} times; {@code failureReason} names the exception, never a value, and
     * {@code failedReservation} the key {@code tenant:hotelCode:pmsReservationId} that stopped it), the pages,
     * reservations and communication changes done so far, and where to follow it ({@code href}).
     */
    @Schema(name = "JourneySettingsReplan")
    public record ReplanView(java.util.UUID id, String tenant, String hotelCode, String status, int pages,
                             int reservations, int changes, Instant requestedAt, Instant finishedAt, String href,
                             int attempts, String failureReason, String failedReservation) {
    }

    @GET
    @Path("/replans/{id}")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A settings re-plan job", description = "The re-plan of pending steps a PUT of journey "
            + "settings started: PENDING while it runs (in the background, resumed after a crash), DONE when every "
            + "reservation it applies to follows the settings, FAILED when one page failed 5 times (failureReason, "
            + "failedReservation).")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReplanView.class)))
    @APIResponse(responseCode = "404", description = "No such job of this tenant, or the token does not admit it",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public ReplanView replan(@PathParam("tenant") String tenant,
                             @Parameter(description = "Job id") @PathParam("id") java.util.UUID id) {
        admit(tenant);
        return jobs.find(id).filter(job -> job.tenant().equals(tenant)).map(JourneySettingsResource::replanViewOf)
                .orElseThrow(() -> new NotFoundException("No such re-plan job of this tenant"));
    }

    private static ReplanView replanViewOf(org.guestcrm.journey.settings.SettingsReplanJobs.Job job) {
        return new ReplanView(job.id(), job.tenant(), job.hotelCode(), job.status(), job.pages(), job.reservations(),
                job.changes(), job.requestedAt(), job.finishedAt(),
                "/api/v1/journeys/" + job.tenant() + "/replans/" + job.id(), job.attempts(), job.failureReason(),
                job.failedReservation());
    }

    @GET
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A tenant's journey settings", description = "Its own settings and the ones that hold for "
            + "its hotels without their own.")
    @APIResponse(responseCode = "200", description = "The settings", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JourneySettingsView.class)))
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public JourneySettingsView tenant(@Parameter(description = "Tenant (hotel group) id") @PathParam("tenant")
                                      String tenant) {
        admit(tenant);
        return viewOf(tenant, null);
    }

    @GET
    @Path("/hotels/{hotelCode}")
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A hotel's journey settings", description = "Its own settings and the ones that hold for it.")
    @APIResponse(responseCode = "200", description = "The settings", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JourneySettingsView.class)))
    @APIResponse(responseCode = "400", description = "The hotel code is not 1-100 characters (invalidParams)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public JourneySettingsView hotel(@PathParam("tenant") String tenant,
                                     @Parameter(description = "Hotel code") @PathParam("hotelCode") String hotelCode) {
        admit(tenant);
        checkHotel(hotelCode);
        return viewOf(tenant, hotelCode);
    }

    @PUT
    @RolesAllowed(Roles.MARKETER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a tenant's journey settings", description = "Replaces the tenant's own settings; a field "
            + "left out is the properties'. Every bad field is named in invalidParams (e.g. steps.preStay.at).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, example = EXAMPLE))
    @APIResponse(responseCode = "200", description = "The settings now", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JourneySettingsView.class)))
    @APIResponse(responseCode = "400", description = "Invalid settings, each field named in invalidParams",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the role marketer")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public JourneySettingsView putTenant(@PathParam("tenant") String tenant, String body) {
        admit(tenant);
        return put(tenant, null, body);
    }

    @PUT
    @Path("/hotels/{hotelCode}")
    @RolesAllowed(Roles.MARKETER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a hotel's journey settings", description = "Replaces the hotel's own settings; a field "
            + "left out is the tenant's. Every bad field is named in invalidParams.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, example = EXAMPLE))
    @APIResponse(responseCode = "200", description = "The settings now", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JourneySettingsView.class)))
    @APIResponse(responseCode = "400", description = "Invalid settings or hotel code, each field named in invalidParams",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the role marketer")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public JourneySettingsView putHotel(@PathParam("tenant") String tenant, @PathParam("hotelCode") String hotelCode,
                                        String body) {
        admit(tenant);
        checkHotel(hotelCode);
        return put(tenant, hotelCode, body);
    }

    @Inject
    org.guestcrm.journey.settings.SettingsReplanJobs jobs;

    private JourneySettingsView put(String tenant, String hotelCode, String body) {
        JourneyOverride override;
        try {
            override = JourneyOverride.read(body == null || body.isBlank() ? null : json.readValue(body, Object.class));
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("The body is not JSON",
                    List.of(new Problem.InvalidParam("body", "must be a JSON object")));
        } catch (JourneyOverride.InvalidOverrideException e) {
            throw new InvalidRequestException("The journey settings have invalid fields: " + String.join(", ",
                    e.invalid().stream().map(JourneyOverride.Invalid::field).toList()),
                    e.invalid().stream().map(i -> new Problem.InvalidParam(i.field(), i.reason())).toList());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        JourneyOverride stored = override;
        String actor = access.actor();
        // The settings and the re-plan job of their pending steps commit together (issue 9): the job runs in the
        // background (SettingsReplanJobs), resumable, on whichever replica takes it.
        java.util.UUID job = QuarkusTransaction.requiringNew().call(() -> {
            settings.store(tenant, hotelCode, stored, actor, now);
            return jobs.request(tenant, hotelCode, actor, now);
        });
        // This replica uses it at once for what it plans from now on; the others within journey.settings.reload-every.
        settings.reload();
        JourneySettingsView view = viewOf(tenant, hotelCode);
        return new JourneySettingsView(view.tenant(), view.hotelCode(), view.override(), view.effective(),
                view.updatedBy(), view.updatedAt(), jobs.find(job).map(JourneySettingsResource::replanViewOf).orElse(null));
    }

    private JourneySettingsView viewOf(String tenant, String hotelCode) {
        String hotel = hotelCode == null ? "" : hotelCode;
        var stored = settings.stored(tenant, hotelCode);
        return new JourneySettingsView(tenant, hotelCode,
                stored.map(s -> s.override().toJson()).orElse(Map.of()),
                JourneyOverride.effectiveJson(settings.scheduleOf(tenant, hotel), settings.quietHoursOf(tenant, hotel),
                        settings.noShowCutoffOf(tenant, hotel).map(Object::toString).orElse("none"),
                        settings.defaultLanguageOf(tenant, hotel)),
                stored.map(JourneySettings.Stored::updatedBy).orElse(null),
                stored.map(JourneySettings.Stored::updatedAt).orElse(null), null);
    }

    private void admit(String tenant) {
        access.require(tenant, () -> new NotFoundException("No journey settings of this tenant are visible"));
    }

    private static void checkHotel(String hotelCode) {
        if (hotelCode == null || hotelCode.isBlank() || hotelCode.length() > 100) {
            throw new InvalidRequestException("The hotel code is invalid",
                    List.of(new Problem.InvalidParam("hotelCode", "must be a hotel code of 1 to 100 characters")));
        }
    }
}
