package org.guestcrm.profile.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.guestcrm.profile.domain.TierRules;
import org.guestcrm.profile.persistence.TenantTierRules;
import org.guestcrm.profile.persistence.TierRulesEntity;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * A tenant's qualification-tier rules (admin): read them (the default when the tenant set none), replace them (validated:
 * 400 naming each field that is wrong, never echoing a value); a change re-tiers every guest of the tenant before it
 * answers.
 */
@Path("/api/v1/tier-rules")
@Produces(MediaType.APPLICATION_JSON)
public class TierRulesResource {

    /** The rules as the API shows and takes them; version 0 and no author for the default. */
    public record TierRulesDto(String tenant, int repeatMinStays, Integer vipMinStays, Integer vipMinNights,
            BigDecimal vipMinSpend, String vipSpendCurrency, int version, Instant updatedAt, String updatedBy,
            Integer guestsRecomposed, Integer guestsChangedTier) {
    }

    private static final Set<String> FIELDS = Set.of("repeatMinStays", "vipMinStays", "vipMinNights", "vipMinSpend",
            "vipSpendCurrency");

    @Inject
    TenantAccess access;
    @Inject
    TenantTierRules tiers;

    @GET
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "The tenant's qualification-tier rules (prospect, guest, repeat, VIP on stays, nights, spend)")
    public TierRulesDto get(@Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant) {
        String admitted = admitted(tenant);
        TierRulesEntity row = tiers.stored(admitted);
        return row == null ? dto(admitted, TierRules.DEFAULT, 0, null, null, null) : dto(row, null);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN})
    @Operation(summary = "Replace the tenant's qualification-tier rules; every guest of the tenant is re-tiered before "
            + "the answer, which counts them")
    public TierRulesDto put(@Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            JsonNode body) {
        String admitted = admitted(tenant);
        TierRules rules = read(body);
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        rules.violations().forEach(v -> invalid.add(new Problem.InvalidParam(v.field(), v.message())));
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The tier rules are not valid.", invalid);
        }
        TierRulesEntity row = tiers.update(admitted, rules, access.actor());
        TenantTierRules.Retiered retiered = tiers.retier(admitted, "tier-rules:" + admitted + ":v" + row.version);
        return dto(row, retiered);
    }

    /** The body's fields by type, each wrong one named (the values are never echoed). */
    private static TierRules read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("A JSON object of tier rules is required.",
                    List.of(new Problem.InvalidParam("repeatMinStays", "is required")));
        }
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                invalid.add(new Problem.InvalidParam(name.length() > 64 ? name.substring(0, 64) : name,
                        "is no tier-rule field (" + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")"));
            }
        });
        Integer repeat = integer(body, "repeatMinStays", true, invalid);
        Integer vipStays = integer(body, "vipMinStays", false, invalid);
        Integer vipNights = integer(body, "vipMinNights", false, invalid);
        BigDecimal vipSpend = null;
        JsonNode spend = body.get("vipMinSpend");
        if (spend != null && !spend.isNull()) {
            if (spend.isNumber()) {
                vipSpend = spend.decimalValue();
            } else {
                invalid.add(new Problem.InvalidParam("vipMinSpend", "must be a number"));
            }
        }
        String currency = null;
        JsonNode code = body.get("vipSpendCurrency");
        if (code != null && !code.isNull()) {
            if (code.isTextual()) {
                currency = code.asText();
            } else {
                invalid.add(new Problem.InvalidParam("vipSpendCurrency", "must be a string (ISO 4217)"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The tier rules are not valid.", invalid);
        }
        return new TierRules(repeat, vipStays, vipNights, vipSpend, currency);
    }

    private static Integer integer(JsonNode body, String field, boolean required, List<Problem.InvalidParam> invalid) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                invalid.add(new Problem.InvalidParam(field, "is required"));
            }
            return required ? 0 : null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            invalid.add(new Problem.InvalidParam(field, "must be a whole number"));
            return 0;
        }
        return node.intValue();
    }

    private String admitted(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new InvalidRequestException("Missing query parameter(s): tenant.",
                    List.of(new Problem.InvalidParam("tenant", "is required")));
        }
        return access.require(tenant.trim(), () -> new GuestNotFoundException("No such tenant."));
    }

    private static TierRulesDto dto(TierRulesEntity row, TenantTierRules.Retiered retiered) {
        return dto(row.tenant, row.rules(), row.version, row.updatedAt, row.updatedBy, retiered);
    }

    private static TierRulesDto dto(String tenant, TierRules rules, int version, Instant at, String by,
            TenantTierRules.Retiered retiered) {
        return new TierRulesDto(tenant, rules.repeatMinStays(), rules.vipMinStays(), rules.vipMinNights(),
                rules.vipMinSpend(), rules.vipSpendCurrency(), version, at, by,
                retiered == null ? null : retiered.guests(), retiered == null ? null : retiered.changed());
    }
}
