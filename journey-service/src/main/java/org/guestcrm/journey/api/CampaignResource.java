package org.guestcrm.journey.api;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.domain.CampaignRecurrence;
import org.guestcrm.journey.campaign.CampaignPlanner;
import org.guestcrm.journey.persistence.CampaignEntity;
import org.guestcrm.journey.templates.MessageTemplates;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Campaigns to a segment of the tenant's guests (role marketer; the tenant is the token's). The smallest body is
 * {@code {"name": "...", "channel": "EMAIL", "segment": {"hotelCodes": ["BARS"]}, "schedule": "now"}}.
 */
@Path("/api/v1/campaigns")
@Tag(name = "Campaigns", description = "Marketing campaigns: create, preview, launch, outcomes")
public class CampaignResource {

    private static final Pattern HOTEL_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,50}");
    private static final int MAX_HOTEL_CODES = 100;

    @Inject
    CampaignPlanner planner;
    @Inject
    TenantAccess access;
    @Inject
    ObjectMapper json;

    @Inject
    org.guestcrm.journey.config.JourneyConfig config;
    @Inject
    org.guestcrm.journey.settings.JourneySettings settings;

    @Inject
    Clock clock;

    /** The templates as the dispatcher finds them (same directory and language chain): to check a campaign's. */
    private volatile MessageTemplates templates;

    private MessageTemplates templates() {
        if (templates == null) {
            templates = new MessageTemplates(config.templates().path(),
                    key -> settings.defaultLanguagesOf(key.tenant(), key.hotelCode()));
        }
        return templates;
    }

    static final int MAX_SUBJECT = 500;
    static final int MAX_TEXT = 100_000;
    static final int MAX_HTML = 200_000;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    @POST
    @RolesAllowed(Roles.MARKETER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Create a campaign", description = "A campaign of the token's tenant (or of the body's "
            + "\"tenant\" when the token admits several). channel EMAIL; segment.hotelCodes: guests who stayed at one of "
            + "them; schedule \"now\" (due when launched) or an ISO-8601 instant ahead; optional recurrence weekly, "
            + "monthly or quarterly (each run selects the segment again).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"name": "Winter offers", "channel": "EMAIL", "segment": {"hotelCodes": ["BARS"]}, "schedule": "now"}"""))
    @APIResponse(responseCode = "201", description = "Created; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "400", description = "Invalid body: invalidParams name each field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid staff token")
    @APIResponse(responseCode = "403", description = "Not a marketer, or the body names a tenant the token does not admit")
    public Response create(String body) {
        JsonNode request = parse(body);
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        String tenant = tenantOf(request, invalid);
        String name = text(request, "name", invalid);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            invalid.add(new Problem.InvalidParam("name", "must be 1 to 200 characters"));
        }
        String channel = text(request, "channel", invalid);
        if (channel != null && !channel.equals("EMAIL")) {
            invalid.add(new Problem.InvalidParam("channel", "must be EMAIL (the only campaign channel so far)"));
        }
        List<String> hotelCodes = hotelCodesOf(request, invalid);
        String schedule = text(request, "schedule", invalid);
        Instant dueAt = null;
        if (schedule != null && !schedule.equals("now")) {
            try {
                dueAt = Instant.parse(schedule).truncatedTo(ChronoUnit.MICROS);
                if (!dueAt.isAfter(clock.instant())) {
                    invalid.add(new Problem.InvalidParam("schedule", "must be \"now\" or an instant ahead"));
                }
            } catch (DateTimeParseException e) {
                invalid.add(new Problem.InvalidParam("schedule",
                        "must be \"now\" or an ISO-8601 instant such as 2027-01-15T09:00:00Z"));
            }
        }
        // Optional: a recurring campaign runs again every period, its segment selected anew each run (issue 9).
        String recurrence = null;
        JsonNode recurs = request.get("recurrence");
        if (recurs != null && !recurs.isNull()) {
            if (!recurs.isTextual() || CampaignRecurrence.periodOf(recurs.asText()).isEmpty()) {
                invalid.add(new Problem.InvalidParam("recurrence",
                        "must be one of " + String.join(", ", CampaignRecurrence.NAMES) + ", or absent (runs once)"));
            } else {
                recurrence = recurs.asText();
            }
        }
        // Optional: the campaign's own template, named or inline (issue 9); neither: the tenant's default template.
        String templateName = templateOf(request, tenant, hotelCodes, invalid);
        InlineContent content = contentOf(request, invalid);
        if (templateName != null && content != null) {
            invalid.add(new Problem.InvalidParam("template", "give either template or content, not both"));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The campaign has invalid fields: "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).distinct().toList()), invalid);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        CampaignEntity campaign = new CampaignEntity();
        campaign.id = UUID.randomUUID();
        campaign.tenant = tenant;
        campaign.name = name.strip();
        campaign.channel = channel;
        campaign.hotelCodes = String.join(",", hotelCodes);
        campaign.schedule = schedule;
        campaign.dueAt = dueAt;
        campaign.recurrence = recurrence;
        campaign.templateName = templateName;
        if (content != null) {
            campaign.contentSubject = content.subject();
            campaign.contentText = content.text();
            campaign.contentHtml = content.html();
            campaign.contentLanguage = content.language();
        }
        campaign.status = CampaignEntity.DRAFT;
        campaign.createdBy = access.actor();
        campaign.createdAt = now;
        campaign.updatedAt = now;
        campaign.persist();
        return Response.created(URI.create("/api/v1/campaigns/" + campaign.id)).entity(viewOf(campaign)).build();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.MARKETER, Roles.VIEWER, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "A campaign and its messages counted by outcome",
            description = "counts: messages by status (SCHEDULED, SENT, SKIPPED, CANCELLED, FAILED, BOUNCED, ...); "
                    + "reasons: the skipped and cancelled ones by reason (no marketing consent, opted out, ...).")
    @APIResponse(responseCode = "200", description = "The campaign",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignView get(@PathParam("id") UUID id) {
        return viewOf(find(id));
    }

    @POST
    @Path("/{id}/preview")
    @RolesAllowed(Roles.MARKETER)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Who would receive the campaign now, and who would not with the reason",
            description = "Reasons: no e-mail address, relay address, opted out, no marketing consent. Guest ids only.")
    @APIResponse(responseCode = "200", description = "The segment's guests",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignPreview.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignPreview preview(@PathParam("id") UUID id) {
        CampaignEntity campaign = find(id);
        List<CampaignPreview.Guest> guests = planner.preview(campaign).stream()
                .map(r -> new CampaignPreview.Guest(r.guestId(), r.receives(), r.reason())).toList();
        int receive = (int) guests.stream().filter(CampaignPreview.Guest::receives).count();
        return new CampaignPreview(campaign.id, receive, guests.size() - receive, guests);
    }

    @POST
    @Path("/{id}/launch")
    @RolesAllowed(Roles.MARKETER)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Launch the campaign: one message per guest of the segment, exactly once",
            description = "Plans every guest of the segment not planned yet (a second launch plans only guests who "
                    + "joined the segment since; nobody is mailed twice). Consent is checked again when each mail is sent.")
    @APIResponse(responseCode = "200", description = "The campaign after the launch",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "409", description = "A paused or ended campaign (fields: status)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignView launch(@PathParam("id") UUID id) {
        return act(id, planner::launch);
    }

    @POST
    @Path("/{id}/pause")
    @RolesAllowed(Roles.MARKETER)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Pause a launched recurring campaign",
            description = "No run starts while it is paused; its messages not yet handed to SMTP are cancelled with "
                    + "the reason \"campaign paused\". 409 for a one-shot, draft, paused or ended campaign.")
    @APIResponse(responseCode = "200", description = "The campaign, status PAUSED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "409", description = "Not a launched recurring campaign (fields: status)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignView pause(@PathParam("id") UUID id) {
        return act(id, planner::pause);
    }

    @POST
    @Path("/{id}/resume")
    @RolesAllowed(Roles.MARKETER)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Resume a paused campaign",
            description = "Its next run is the first whose time is still ahead; runs that fell in the pause are not "
                    + "made up. 409 unless the campaign is paused.")
    @APIResponse(responseCode = "200", description = "The campaign, status LAUNCHED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "409", description = "Not paused (fields: status)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignView resume(@PathParam("id") UUID id) {
        return act(id, planner::resume);
    }

    @POST
    @Path("/{id}/end")
    @RolesAllowed(Roles.MARKETER)
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "End a launched or paused campaign for good",
            description = "No further run or launch; its messages not yet handed to SMTP are cancelled with the reason "
                    + "\"campaign ended\" (one already in its SMTP exchange is not recalled). 409 for a draft or an "
                    + "ended campaign.")
    @APIResponse(responseCode = "200", description = "The campaign, status ENDED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", description = "No such campaign, or one of a tenant the token does not admit",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "409", description = "A draft or an ended campaign (fields: status)",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public CampaignView end(@PathParam("id") UUID id) {
        return act(id, planner::end);
    }

    private CampaignEntity find(UUID id) {
        CampaignEntity campaign = CampaignEntity.findById(id);
        if (campaign == null || !access.mayAccess(campaign.tenant)) {
            throw new CampaignNotFoundException(id);
        }
        return campaign;
    }

    private CampaignView viewOf(CampaignEntity campaign) {
        Map<String, Map<String, Long>> outcomes = planner.outcomes(campaign.id);
        return new CampaignView(campaign.id, campaign.tenant, campaign.name, campaign.channel,
                new CampaignView.Segment(campaign.hotelCodeList()), campaign.schedule, campaign.status,
                campaign.createdAt, campaign.launchedAt, campaign.recurrence, campaign.runs, campaign.nextRunAt,
                outcomes.get("byStatus"), outcomes.get("byReason"),
                campaign.hasInlineContent() ? null : campaign.templateName == null
                        ? org.guestcrm.journey.templates.JourneyMessages.DEFAULT_CAMPAIGN_TEMPLATE : campaign.templateName,
                campaign.hasInlineContent() ? new CampaignView.Content(campaign.contentSubject, campaign.contentText,
                        campaign.contentHtml, campaign.contentLanguage) : null);
    }

    private JsonNode parse(String body) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (java.io.IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("The body must be a JSON object",
                    List.of(new Problem.InvalidParam("body", "must be a JSON object")));
        }
        return node;
    }

    /** The body's tenant, else the token's only tenant; a tenant the token does not admit is refused (403). */
    private String tenantOf(JsonNode request, List<Problem.InvalidParam> invalid) {
        JsonNode named = request.get("tenant");
        if (named != null && !named.isNull()) {
            if (!named.isTextual() || named.asText().isBlank() || named.asText().length() > 100) {
                invalid.add(new Problem.InvalidParam("tenant", "must be a tenant id of at most 100 characters"));
                return null;
            }
            if (!access.mayAccess(named.asText())) {
                throw new io.quarkus.security.ForbiddenException();
            }
            return named.asText();
        }
        Set<String> tenants = access.tenants();
        if (tenants.size() != 1 || tenants.contains(TenantAccess.ALL)) {
            invalid.add(new Problem.InvalidParam("tenant", "required: the token admits more than one tenant"));
            return null;
        }
        return tenants.iterator().next();
    }

    private static String text(JsonNode request, String field, List<Problem.InvalidParam> invalid) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            invalid.add(new Problem.InvalidParam(field, "is required"));
            return null;
        }
        if (!value.isTextual()) {
            invalid.add(new Problem.InvalidParam(field, "must be a string"));
            return null;
        }
        return value.asText();
    }

    /** A campaign's inline content as checked. */
    record InlineContent(String subject, String text, String html, String language) {
    }

    /**
     * The named template: a template name whose chain (each segment hotel, the tenant, the built-in ones) ends in an
     * e-mail template with a subject and a text that uses the unsubscribe link; null when none is named.
     */
    private String templateOf(JsonNode request, String tenant, List<String> hotelCodes,
                              List<Problem.InvalidParam> invalid) {
        JsonNode named = request.get("template");
        if (named == null || named.isNull()) {
            return null;
        }
        if (!named.isTextual() || !MessageTemplates.isTemplateName(named.asText())) {
            invalid.add(new Problem.InvalidParam("template",
                    "must be a template name of 1 to 60 characters a-z, 0-9 or '_'"));
            return null;
        }
        String name = named.asText();
        if (tenant == null || hotelCodes.isEmpty()) {
            return name;
        }
        for (String hotel : hotelCodes) {
            MessageTemplates.Key key = new MessageTemplates.Key(tenant, hotel, name);
            if (templates().emailTemplateSource(key, null).isEmpty()) {
                invalid.add(new Problem.InvalidParam("template", "no template " + name + " (subject and text, in "
                        + MessageTemplates.FALLBACK_LANGUAGE + " or the default language) for hotel " + hotel));
                return null;
            }
            if (templates().emailTemplateSource(key, UNSUBSCRIBE_VALUE).isEmpty()) {
                invalid.add(new Problem.InvalidParam("template", "template " + name + " must contain the unsubscribe "
                        + "link {" + UNSUBSCRIBE_VALUE + "} (a marketing mail)"));
                return null;
            }
        }
        return name;
    }

    private static final String UNSUBSCRIBE_VALUE = "unsubscribeUrl";

    /** The inline content: subject and text required, HTML optional, each a Qute template using the campaign values. */
    private InlineContent contentOf(JsonNode request, List<Problem.InvalidParam> invalid) {
        JsonNode content = request.get("content");
        if (content == null || content.isNull()) {
            return null;
        }
        if (!content.isObject()) {
            invalid.add(new Problem.InvalidParam("content", "must be an object with subject, text and optional html"));
            return null;
        }
        int before = invalid.size();
        String subject = part(content, "subject", true, MAX_SUBJECT, false, null, invalid);
        String text = part(content, "text", true, MAX_TEXT, false, UNSUBSCRIBE_VALUE, invalid);
        String html = part(content, "html", false, MAX_HTML, true, UNSUBSCRIBE_VALUE, invalid);
        String language = null;
        JsonNode lang = content.get("language");
        if (lang != null && !lang.isNull()) {
            if (!lang.isTextual() || !LANGUAGE.matcher(lang.asText()).matches()) {
                invalid.add(new Problem.InvalidParam("content.language", "must be an ISO 639 language code (2-3 "
                        + "lower-case letters)"));
            } else {
                language = lang.asText();
            }
        }
        return invalid.size() == before ? new InlineContent(subject, text, html, language) : null;
    }

    private String part(JsonNode content, String field, boolean required, int max, boolean html, String mustUse,
                        List<Problem.InvalidParam> invalid) {
        String path = "content." + field;
        JsonNode value = content.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                invalid.add(new Problem.InvalidParam(path, "is required"));
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > max) {
            invalid.add(new Problem.InvalidParam(path, "must be a Qute template of 1 to " + max + " characters"));
            return null;
        }
        templates().inlineProblem(value.asText(), html,
                org.guestcrm.journey.templates.JourneyMessages.CAMPAIGN_VALUES, mustUse)
                .ifPresent(problem -> invalid.add(new Problem.InvalidParam(path, problem)));
        return value.asText();
    }

    private static List<String> hotelCodesOf(JsonNode request, List<Problem.InvalidParam> invalid) {
        JsonNode segment = request.get("segment");
        if (segment == null || segment.isNull()) {
            invalid.add(new Problem.InvalidParam("segment", "is required"));
            return List.of();
        }
        if (!segment.isObject()) {
            invalid.add(new Problem.InvalidParam("segment", "must be an object with hotelCodes"));
            return List.of();
        }
        JsonNode codes = segment.get("hotelCodes");
        if (codes == null || !codes.isArray() || codes.isEmpty() || codes.size() > MAX_HOTEL_CODES) {
            invalid.add(new Problem.InvalidParam("segment.hotelCodes",
                    "must be a list of 1 to " + MAX_HOTEL_CODES + " hotel codes"));
            return List.of();
        }
        Set<String> hotelCodes = new LinkedHashSet<>();
        for (JsonNode code : codes) {
            if (!code.isTextual() || !HOTEL_CODE.matcher(code.asText()).matches()) {
                invalid.add(new Problem.InvalidParam("segment.hotelCodes",
                        "each must be a hotel code of 1 to 50 letters, digits, '_', '.' or '-'"));
                return List.of();
            }
            hotelCodes.add(code.asText());
        }
        return List.copyOf(hotelCodes);
    }

    /**
     * A status action on a campaign (launch, pause, resume, end): 404 unless the token admits it, then the planner's
     * action (409 problems come from there), then the campaign as it is after it.
     */
    private CampaignView act(UUID id, java.util.function.Consumer<UUID> action) {
        find(id);
        action.accept(id);
        return viewOf(CampaignEntity.findById(id));
    }
}
