package org.guestcrm.profile.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.persistence.MatchParameterSetEntity;
import org.guestcrm.profile.persistence.TenantMatchParameters;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The match parameters of a tenant (admin): which model its decisions use now, every fitted set (version, when, by
 * whom, on how many profiles, accepted or the problems found, m/u/weight per level), and a refit from its own profiles.
 */
@Path("/api/v1/match-parameters")
@Produces(MediaType.APPLICATION_JSON)
public class MatchParametersResource {

    /** A fitted set as the API shows it. */
    public record ParameterSetDto(int version, String modelVersion, Instant fittedAt, String fittedBy, int profiles,
            long trainingPairs, boolean accepted, List<String> problems, Map<String, LevelDto> levels) {
    }

    public record LevelDto(double m, double u, double weight) {
    }

    /** The tenant's model in use and its fitted sets, newest first. */
    public record TenantParametersDto(String tenant, String modelInUse, List<ParameterSetDto> sets) {
    }

    @Inject
    TenantAccess access;
    @Inject
    TenantMatchParameters parameters;

    @GET
    @Transactional
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "The model a tenant's match decisions use now and every parameter set fitted for it")
    public TenantParametersDto list(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        String admitted = admitted(tenant);
        return new TenantParametersDto(admitted, parameters.modelFor(admitted).version(),
                MatchParameterSetEntity.listByTenant(admitted).stream().map(MatchParametersResource::dto).toList());
    }

    @POST
    @Path("/refit")
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "Fit the tenant's m/u from its own profiles now (no labels); stored as the next version and "
            + "used from now on if it passes the sanity check. Answers the new set")
    public ParameterSetDto refit(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        String admitted = admitted(tenant);
        return dto(parameters.refit(admitted, access.actor()));
    }

    private String admitted(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        return access.require(tenant.trim(), () -> new GuestNotFoundException("No such tenant."));
    }

    private static ParameterSetDto dto(MatchParameterSetEntity set) {
        Map<String, LevelDto> levels = new LinkedHashMap<>();
        set.parameters.forEach((key, level) -> levels.put(key, new LevelDto(level.m(), level.u(),
                new MatchModel.Level(level.level(), level.m(), level.u()).weight())));
        return new ParameterSetDto(set.version, TenantMatchParameters.versionOf(set), set.fittedAt, set.fittedBy,
                set.profiles, set.trainingPairs, set.accepted, set.problems, levels);
    }
}
