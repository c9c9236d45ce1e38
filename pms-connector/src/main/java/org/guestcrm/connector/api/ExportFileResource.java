package org.guestcrm.connector.api;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.guestcrm.connector.domain.ExportMapping;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.messaging.ExportDiff;
import org.guestcrm.connector.persistence.ExportStore;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problems;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Daily export files (issue 7): a feed's CSV column mapping, the upload of an export (diffed with the previous one, only
 * changes emitted, MISSING_FROM_EXPORT for reservations that left it uncertainly) and the feed's export state (how many
 * are unsettled). Role {@code admin}; a feed of a tenant the token does not admit is 404 like a missing one.
 */
@Path("/api/v1/feeds/{feedId}")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class ExportFileResource {

    private static final Logger LOG = Logger.getLogger(ExportFileResource.class);
    /** Largest export accepted (held in memory, applied in one transaction). */
    static final int MAX_EXPORT_BYTES = 32 * 1024 * 1024;

    /** The mapping as the API reads and writes it. */
    public record MappingView(Map<String, String> columns, String delimiter, Integer windowDays, String datePattern,
                              Map<String, String> statusValues, Map<String, String> constants) {
    }

    /** What an export did. */
    public record ExportView(UUID exportId, boolean duplicate, Instant exportedAt, LocalDate windowStart, int rowsRead,
                             int rowsAccepted, int rowsRejected, int rowsUnchanged, int eventsEmitted,
                             int missingFromExport, int settled, long unsettledMissing, List<ExportStore.Rejection> rejections) {
    }

    /** A feed's export state: unsettled MISSING_FROM_EXPORT reservations and the latest exports. */
    public record ExportsView(String feedId, long unsettledMissing, List<ExportStore.Unsettled> unsettled,
                              List<ExportView> exports) {
    }

    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    TenantAccess access;
    @Inject
    ExportStore store;
    @Inject
    ExportDiff diff;
    @Inject
    CanonicalJsonReader jsonReader;
    @Inject
    Validator validator;
    @Inject
    ObjectMapper json;
    @Inject
    InboundMetrics metrics;
    @Inject
    ExportApplier applier;

    @GET
    @Path("/export-mapping")
    @Operation(summary = "The feed's export column mapping (the default one when none was set)")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public MappingView mapping(@PathParam("feedId") String feedId) {
        FeedEntity feed = feed(feedId);
        return view(applier.mappingOf(feed.feedId));
    }

    @PUT
    @Path("/export-mapping")
    @Transactional
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the feed's export column mapping",
            description = "columns: canonical field to CSV header (reservation fields " + "hotelCode, pmsReservationId, status,"
                    + " arrival, departure, pmsSequence, pmsModifiedAt, totalAmount, currency, ...; guest fields pmsProfileId,"
                    + " firstName, lastName, email, phone, ...); delimiter (one character, default ,); windowDays (default 15);"
                    + " datePattern (e.g. dd.MM.yyyy; default ISO); statusValues (PMS word to status); constants (field to value).")
    @APIResponse(responseCode = "400", description = "problem+json naming each invalid field")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public MappingView setMapping(@PathParam("feedId") String feedId, MappingView request) throws JsonProcessingException {
        FeedEntity feed = feed(feedId);
        if (request == null) {
            throw new InvalidRequestException("The mapping is required.",
                    List.of(new org.guestcrm.platform.api.Problem.InvalidParam("body", "a mapping object is required")));
        }
        ExportMapping defaults = ExportMapping.defaults();
        List<org.guestcrm.platform.api.Problem.InvalidParam> problems = new ArrayList<>();
        if (request.delimiter() != null && request.delimiter().length() != 1) {
            problems.add(new org.guestcrm.platform.api.Problem.InvalidParam("delimiter", "must be one character"));
        }
        ExportMapping mapping = new ExportMapping(
                request.columns() == null || request.columns().isEmpty() ? defaults.columns() : nonNull(request.columns()),
                request.delimiter() == null || request.delimiter().length() != 1 ? ',' : request.delimiter().charAt(0),
                request.windowDays() == null ? defaults.windowDays() : request.windowDays(),
                request.datePattern() == null || request.datePattern().isBlank() ? null : request.datePattern(),
                request.statusValues() == null ? Map.of() : nonNull(request.statusValues()),
                request.constants() == null ? Map.of() : nonNull(request.constants()));
        mapping.violations().forEach(v -> problems.add(new org.guestcrm.platform.api.Problem.InvalidParam(v.field(), v.message())));
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The export mapping has invalid fields.", problems);
        }
        store.saveMapping(feed.feedId, json.writeValueAsString(view(mapping)));
        LOG.infof("Export mapping of feed %s set (%d column(s)).", feed.feedId, mapping.columns().size());
        return view(mapping);
    }

    @POST
    @Path("/files")
    @Consumes(MediaType.WILDCARD) // the body is read as CSV whatever its declared type (text/csv, text/plain, octet-stream)
    @Operation(summary = "Upload a daily export (CSV with a header line, read through the feed's export mapping)",
            description = "Applied at once, in one transaction: rows are validated like the JSON push (a bad row is rejected"
                    + " with its line and field, never its value; the others are applied), unchanged rows emit nothing, a"
                    + " reservation listed by an earlier export and absent now is emitted as MISSING_FROM_EXPORT while its"
                    + " arrival is inside the window. exportedAt (ISO instant, default now) is the export's time and the"
                    + " version of rows without pmsModifiedAt; the window starts on its UTC date. The same file twice does"
                    + " nothing the second time.")
    @APIResponse(responseCode = "200", description = "What the export did")
    @APIResponse(responseCode = "400", description = "problem+json: unreadable CSV or exportedAt")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    @APIResponse(responseCode = "413", description = "Larger than 32 MiB")
    public ExportView upload(@PathParam("feedId") String feedId, @QueryParam("exportedAt") String exportedAtText,
                             InputStream body) throws IOException {
        FeedEntity feed = feed(feedId);
        Instant exportedAt;
        try {
            exportedAt = exportedAtText == null || exportedAtText.isBlank() ? Instant.now() : Instant.parse(exportedAtText.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("exportedAt is not an ISO instant.",
                    List.of(new org.guestcrm.platform.api.Problem.InvalidParam("exportedAt", "must be an ISO 8601 instant")));
        }
        byte[] content = body.readNBytes(MAX_EXPORT_BYTES + 1);
        if (content.length > MAX_EXPORT_BYTES) {
            throw new TooLarge("The export exceeds " + MAX_EXPORT_BYTES + " bytes.");
        }
        return applier.apply(feed, content, exportedAt);
    }

    @GET
    @Path("/exports")
    @Operation(summary = "The feed's export state: unsettled MISSING_FROM_EXPORT reservations and the latest exports")
    @APIResponse(responseCode = "404", description = "No such feed of the token's tenants")
    public ExportsView exports(@PathParam("feedId") String feedId) throws JsonProcessingException {
        FeedEntity feed = feed(feedId);
        long unsettled = store.unsettledCount(feed.feedId);
        List<ExportView> exports = new ArrayList<>();
        for (ExportStore.ExportRecord record : store.recent(feed.feedId, 20)) {
            exports.add(applier.view(record, false, unsettled));
        }
        return new ExportsView(feed.feedId, unsettled, store.unsettled(feed.feedId, 100), exports);
    }

    @ServerExceptionMapper
    public Response notFound(NotFound e, UriInfo uri) {
        return Problems.of(404, "about:blank", "Not Found", e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response tooLarge(TooLarge e, UriInfo uri) {
        return Problems.of(413, "about:blank", "Content Too Large", e.getMessage(), uri, List.of());
    }

    static MappingView view(ExportMapping mapping) {
        return new MappingView(new LinkedHashMap<>(mapping.columns()), String.valueOf(mapping.delimiter()),
                mapping.windowDays(), mapping.datePattern(), mapping.statusValues(), mapping.constants());
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k != null) {
                copy.put(k, v == null ? "" : v);
            }
        });
        return copy;
    }

    private FeedEntity feed(String feedId) {
        FeedEntity feed = FeedEntity.findById(feedId);
        NotFound notFound = new NotFound("No feed " + feedId + ".");
        if (feed == null || feed.deletedAt != null) {
            throw notFound;
        }
        access.require(feed.tenantId, () -> notFound);
        return feed;
    }
}
