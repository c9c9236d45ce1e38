package org.guestcrm.optout.api;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.ProfileContactPointEntity;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;

import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Consent of a contact point, read-only. */
@Path("/api/v1/consents")
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {

    @GET
    @Transactional
    @Operation(summary = "Current consent per channel and purpose, and the ledger history, of one contact point")
    public ConsentsDto consents(
            @Parameter(description = "Tenant (hotel group)", required = true) @QueryParam("tenant") String tenant,
            @Parameter(description = "E-mail address or phone number (URL-encode a leading + as %2B); normalised like the feed",
                    required = true) @QueryParam("contactPoint") String contactPoint) {
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (tenant == null || tenant.isBlank()) {
            invalid.add(new Problem.InvalidParam("tenant", "is required"));
        }
        ContactPoint parsed = null;
        if (contactPoint == null || contactPoint.isBlank()) {
            invalid.add(new Problem.InvalidParam("contactPoint", "is required"));
        } else {
            parsed = ContactPoint.parse(contactPoint).orElse(null);
            if (parsed == null) {
                invalid.add(new Problem.InvalidParam("contactPoint", "is neither an e-mail address nor a phone number"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("Invalid query parameter(s): "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()) + ".", invalid);
        }
        String tenantId = tenant.trim();
        List<SourceProfileEntity> heldBy = ProfileContactPointEntity.listByTenantAndValue(tenantId, parsed.value()).stream()
                .map(row -> SourceProfileEntity.<SourceProfileEntity>findById(row.sourceProfileId))
                .distinct()
                .toList();
        return ConsentMapper.toDto(tenantId, parsed, ConsentStateEntity.listFor(tenantId, parsed.value()),
                ConsentEntryEntity.history(tenantId, parsed.value()), heldBy);
    }
}
