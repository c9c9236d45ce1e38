package org.guestcrm.desk.api;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.DeskRule;
import org.guestcrm.desk.persistence.HotelRuleEntity;
import org.guestcrm.desk.persistence.StoredHotelRules;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A hotel's desk rule (working hours, call-back due time, team, retries) set by an admin over the configured one: each
 * key left out falls back to the configuration. New leads and tasks follow it at once on this replica (within
 * {@link StoredHotelRules#FRESH_FOR} on others); tasks already open keep their due time.
 */
@Path("/api/v1/desk/hotels/{hotelCode}/rule")
@Tag(name = "Hotel rules", description = "Per-hotel desk rules through the API")
public class HotelRuleResource {

    @Inject
    TenantAccess access;
    @Inject
    DeskRules rules;
    @Inject
    StoredHotelRules stored;

    /** What an admin sets; every field optional (null = the configured value). Durations ISO-8601 (PT2H). */
    public record RuleRequest(String zone, String opens, String closes, List<String> days, String callBackWithin,
                              String team, String retryAfter, Integer maxAttempts) {
    }

    public record RuleView(String zone, String opens, String closes, List<String> days, String callBackWithin,
                           String team, String retryAfter, Integer maxAttempts) {
    }

    public record HotelRuleView(String tenant, String hotelCode, RuleView stored, RuleView effective,
                                Instant updatedAt, String updatedBy) {
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.AGENT, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The hotel's desk rule: the one stored by an admin (if any) and the effective one")
    @APIResponse(responseCode = "200", description = "The rule")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public HotelRuleView get(@PathParam("hotelCode") String hotelCode,
                             @Parameter(required = true) @QueryParam("tenant") String tenant) {
        TenantParam.require(access, tenant);
        new Checks().requiredText(hotelCode, "hotelCode", 100).orRefuse();
        return view(tenant, hotelCode);
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sets the hotel's desk rule (keys left out: the configured value)")
    @APIResponse(responseCode = "200", description = "The rule now")
    @APIResponse(responseCode = "400", description = "Invalid fields, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public HotelRuleView put(@PathParam("hotelCode") String hotelCode,
                             @Parameter(required = true) @QueryParam("tenant") String tenant, RuleRequest body) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks().requiredText(hotelCode, "hotelCode", 100);
        checks.require(body != null, "body", "is required");
        checks.orRefuse();
        HotelRuleEntity parsed = new HotelRuleEntity();
        parsed.zone = zone(body.zone(), checks);
        parsed.opens = time(body.opens(), "opens", checks);
        parsed.closes = time(body.closes(), "closes", checks);
        parsed.days = days(body.days(), checks);
        parsed.callBackWithinSeconds = duration(body.callBackWithin(), "callBackWithin", checks);
        checks.text(body.team(), "team", 100);
        parsed.team = body.team() == null || body.team().isBlank() ? null : body.team().trim();
        parsed.retryAfterSeconds = duration(body.retryAfter(), "retryAfter", checks);
        checks.require(body.maxAttempts() == null || (body.maxAttempts() >= 1 && body.maxAttempts() <= 10),
                "maxAttempts", "between 1 and 10");
        parsed.maxAttempts = body.maxAttempts();
        checks.orRefuse();
        // The whole rule must hold: the desk opens before it closes (with the configured keys it falls back to).
        DeskRule configured = rules.configured(tenant, hotelCode);
        LocalTime opens = parsed.opens != null ? parsed.opens : configured.hours().opens();
        LocalTime closes = parsed.closes != null ? parsed.closes : configured.hours().closes();
        checks.require(opens.isBefore(closes), parsed.closes != null ? "closes" : "opens", "the desk must open before it closes");
        checks.orRefuse();
        String actor = access.actor();
        QuarkusTransaction.requiringNew().run(() -> {
            HotelRuleEntity entity = HotelRuleEntity.findById(HotelRuleEntity.keyOf(tenant, hotelCode),
                    jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            boolean fresh = entity == null;
            if (fresh) {
                entity = new HotelRuleEntity();
                entity.ruleKey = HotelRuleEntity.keyOf(tenant, hotelCode);
                entity.tenant = tenant;
                entity.hotelCode = hotelCode;
            }
            entity.zone = parsed.zone;
            entity.opens = parsed.opens;
            entity.closes = parsed.closes;
            entity.days = parsed.days;
            entity.callBackWithinSeconds = parsed.callBackWithinSeconds;
            entity.team = parsed.team;
            entity.retryAfterSeconds = parsed.retryAfterSeconds;
            entity.maxAttempts = parsed.maxAttempts;
            entity.updatedAt = Instant.now();
            entity.updatedBy = actor.length() > 200 ? actor.substring(0, 200) : actor;
            if (fresh) {
                entity.persist();
            }
        });
        stored.changed(tenant, hotelCode);
        return view(tenant, hotelCode);
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Removes the hotel's stored rule: the configured one applies again")
    @APIResponse(responseCode = "204", description = "Removed (or there was none)")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public Response delete(@PathParam("hotelCode") String hotelCode,
                           @Parameter(required = true) @QueryParam("tenant") String tenant) {
        TenantParam.require(access, tenant);
        QuarkusTransaction.requiringNew().run(() -> HotelRuleEntity.deleteById(HotelRuleEntity.keyOf(tenant, hotelCode)));
        stored.changed(tenant, hotelCode);
        return Response.noContent().build();
    }

    private HotelRuleView view(String tenant, String hotelCode) {
        HotelRuleEntity entity = QuarkusTransaction.requiringNew()
                .call(() -> HotelRuleEntity.<HotelRuleEntity>findById(HotelRuleEntity.keyOf(tenant, hotelCode)));
        RuleView storedView = entity == null ? null : new RuleView(entity.zone, text(entity.opens), text(entity.closes),
                entity.days == null ? null : List.of(entity.days.split(",")),
                entity.callBackWithinSeconds == null ? null : Duration.ofSeconds(entity.callBackWithinSeconds).toString(),
                entity.team, entity.retryAfterSeconds == null ? null : Duration.ofSeconds(entity.retryAfterSeconds).toString(),
                entity.maxAttempts);
        DeskRule effective = rules.of(tenant, hotelCode);
        RuleView effectiveView = new RuleView(effective.hours().zone().getId(), text(effective.hours().opens()),
                text(effective.hours().closes()),
                EnumSet.copyOf(effective.hours().days()).stream().map(DayOfWeek::name).toList(),
                effective.callBackWithin().toString(), effective.team(), effective.retryAfter().toString(),
                effective.maxAttempts());
        return new HotelRuleView(tenant, hotelCode, storedView, effectiveView,
                entity == null ? null : entity.updatedAt, entity == null ? null : entity.updatedBy);
    }

    private static String text(LocalTime time) {
        return time == null ? null : time.toString();
    }

    private static String zone(String value, Checks checks) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ZoneId.of(value.trim()).getId();
        } catch (DateTimeException e) {
            checks.require(false, "zone", "a time zone id such as Europe/Berlin");
            return null;
        }
    }

    private static LocalTime time(String value, String field, Checks checks) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalTime.parse(value.trim());
        } catch (DateTimeParseException e) {
            checks.require(false, field, "a local time such as 08:30");
            return null;
        }
    }

    private static String days(List<String> values, Checks checks) {
        if (values == null) {
            return null;
        }
        Set<DayOfWeek> days = new TreeSet<>();
        for (String value : values) {
            try {
                days.add(DayOfWeek.valueOf(value == null ? "" : value.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                checks.require(false, "days", "days of the week such as MONDAY");
                return null;
            }
        }
        checks.require(!days.isEmpty(), "days", "at least one day");
        return String.join(",", days.stream().map(DayOfWeek::name).toList());
    }

    private static Long duration(String value, String field, Checks checks) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Duration d = Duration.parse(value.trim());
            checks.require(!d.isNegative() && !d.isZero() && d.compareTo(Duration.ofDays(30)) <= 0, field,
                    "more than zero and at most 30 days");
            return d.getSeconds();
        } catch (DateTimeParseException e) {
            checks.require(false, field, "an ISO-8601 duration such as PT2H");
            return null;
        }
    }
}
