package org.guestcrm.journey.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.domain.JourneyStep;
import org.guestcrm.journey.persistence.JourneyKpis;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The journey's KPIs of one tenant (issue 9): per hotel, journey step and campaign, the messages sent, delivered,
 * bounced, failed, unsubscribed, the survey answers and their score, over a time window. Figures this service has no
 * source for yet (opened, clicked, revenue after a click) are null, never a zero: {@code unavailable} says why.
 */
@Path("/api/v1/kpis/{tenant}")
@Tag(name = "KPIs", description = "Outcomes of the journey's and campaigns' messages per hotel, step and campaign")
public class KpiResource {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    static final Duration MAX_WINDOW = Duration.ofDays(400);
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    /** Why a figure is null: it has no source in this service (yet). */
    static final Map<String, String> UNAVAILABLE = Map.of(
            "revenue", "needs the reservations' amounts, which ReservationChanged does not carry (not held here)");

    /** As {@link #UNAVAILABLE}, when mails go out untracked (journey.links.tracking-base-url unset). */
    static final Map<String, String> UNAVAILABLE_UNTRACKED = Map.of(
            "opened", "not recorded: journey.links.tracking-base-url is not set, mails carry no tracking pixel",
            "clicked", "not recorded: journey.links.tracking-base-url is not set, links are not tracked",
            "revenue", "needs the reservations' amounts, which ReservationChanged does not carry (not held here)");

    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    @Inject
    TenantAccess access;
    @Inject
    JourneyKpis kpis;

    @Inject
    Clock clock;

    /** A survey's figures: answers and their average score (0-10, 2 decimals; null without answers). */
    public record SurveyScore(long answers, BigDecimal averageScore) {
    }

    /** The figures of one group (a hotel's step, or a campaign at a hotel); null = no source yet. */
    public record Figures(long sent, long delivered, long bounced, long complained, long failed, Long opened,
                          Long clicked, long unsubscribed, SurveyScore survey, BigDecimal revenue) {
    }

    public record StepKpis(String hotelCode, String step, UUID campaignId, String campaignName, Figures figures) {
    }

    public record HotelKpis(String hotelCode, Figures figures) {
    }

    public record KpiReport(String tenant, String hotelCode, Instant from, Instant to, List<HotelKpis> hotels,
                            List<StepKpis> steps, Map<String, String> unavailable) {
    }

    @GET
    @RolesAllowed({Roles.MARKETER, Roles.ADMIN, Roles.VIEWER})
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "KPIs per hotel, journey step and campaign",
            description = "Messages whose outcome (sent, bounced, failed) fell in [from, to): sent (SENT + BOUNCED + COMPLAINED), "
                    + "delivered (SENT + COMPLAINED: accepted and not bounced later by a DSN), bounced, complained (COMPLAINED: "
                    + "an abuse report after delivery, counted in delivered too), failed, unsubscribed (through the "
                    + "mail's own unsubscribe link), survey answers and average score (post-stay survey). opened "
                    + "(first opens: pixel or click) and clicked (unique clicks) of the delivered mails; revenue is "
                    + "null: no source (see unavailable). from/to: a date (YYYY-MM-DD, UTC; "
                    + "to inclusive) or an ISO-8601 instant (to exclusive); default the last 30 days; at most 400 days.")
    @APIResponse(responseCode = "200", description = "The figures",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KpiReport.class)))
    @APIResponse(responseCode = "400", description = "Invalid query parameters, named in invalidParams",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No valid staff token")
    @APIResponse(responseCode = "403", description = "Not a marketer, admin or viewer")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public KpiReport kpis(
            @Parameter(description = "Tenant (hotel group) id") @PathParam("tenant") String tenant,
            @Parameter(description = "Only this hotel") @QueryParam("hotelCode") String hotelCode,
            @Parameter(description = "From (inclusive): YYYY-MM-DD (UTC) or an ISO-8601 instant") @QueryParam("from") String from,
            @Parameter(description = "To: YYYY-MM-DD (inclusive, UTC) or an ISO-8601 instant (exclusive)") @QueryParam("to") String to) {
        // Another tenant is answered like one without figures would be for nobody: 404, before anything is read.
        access.require(tenant, () -> new NotFoundException("No KPIs of this tenant are visible"));
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (hotelCode != null && (hotelCode.isBlank() || hotelCode.length() > 100)) {
            invalid.add(new Problem.InvalidParam("hotelCode", "must be a hotel code of 1 to 100 characters"));
        }
        Instant end = to == null ? clock.instant() : instantOf(to, "to", true, invalid);
        Instant start = from == null ? (end == null ? null : end.minus(DEFAULT_WINDOW)) : instantOf(from, "from", false, invalid);
        if (start != null && end != null) {
            if (!start.isBefore(end)) {
                invalid.add(new Problem.InvalidParam("from", "must be before to"));
            } else if (Duration.between(start, end).compareTo(MAX_WINDOW) > 0) {
                invalid.add(new Problem.InvalidParam("to", "must be at most 400 days after from"));
            }
        }
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The request has invalid parameters: "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).distinct().toList()), invalid);
        }
        List<JourneyKpis.Row> rows = kpis.of(tenant, hotelCode, start, end);
        List<StepKpis> steps = new ArrayList<>(rows.size());
        Map<String, List<JourneyKpis.Row>> byHotel = new LinkedHashMap<>();
        for (JourneyKpis.Row row : rows) {
            steps.add(new StepKpis(row.hotelCode(), row.step(), row.campaignId(), row.campaignName(),
                    figuresOf(List.of(row), isSurvey(row.step()), tracked())));
            byHotel.computeIfAbsent(row.hotelCode(), h -> new ArrayList<>()).add(row);
        }
        List<HotelKpis> hotels = byHotel.entrySet().stream()
                .map(e -> new HotelKpis(e.getKey(), figuresOf(e.getValue(), true, tracked()))).toList();
        return new KpiReport(tenant, hotelCode, start, end, hotels, steps,
                tracked() ? UNAVAILABLE : UNAVAILABLE_UNTRACKED);
    }

    private static boolean isSurvey(String step) {
        return JourneyStep.POST_STAY_SURVEY.name().equals(step);
    }

    /** The rows' figures added up; survey null when none of them is a survey message. */
    private boolean tracked() {
        return config.links().trackingBaseUrl().isPresent();
    }

    private static Figures figuresOf(List<JourneyKpis.Row> rows, boolean withSurvey, boolean tracked) {
        long sent = 0, delivered = 0, bounced = 0, complained = 0, failed = 0, unsubscribed = 0, answers = 0, scores = 0;
        long opened = 0, clicked = 0;
        boolean survey = false;
        for (JourneyKpis.Row row : rows) {
            sent += row.sent();
            delivered += row.delivered();
            bounced += row.bounced();
            complained += row.complained();
            failed += row.failed();
            unsubscribed += row.unsubscribed();
            opened += row.opened();
            clicked += row.clicked();
            answers += row.surveyAnswers();
            scores += row.surveyScoreSum();
            survey |= isSurvey(row.step());
        }
        SurveyScore score = withSurvey && survey ? new SurveyScore(answers, answers == 0 ? null
                : BigDecimal.valueOf(scores).divide(BigDecimal.valueOf(answers), 2, RoundingMode.HALF_UP)) : null;
        return new Figures(sent, delivered, bounced, complained, failed, tracked ? opened : null,
                tracked ? clicked : null,
                unsubscribed, score, null);
    }

    /** A date (start of that day in UTC; for "to" the start of the next day: inclusive) or an ISO-8601 instant. */
    private static Instant instantOf(String value, String field, boolean end, List<Problem.InvalidParam> invalid) {
        String text = value.strip();
        try {
            Instant instant;
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                instant = (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                instant = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
            }
            if (instant.isAfter(EARLIEST) && instant.isBefore(LATEST)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // named below
        }
        invalid.add(new Problem.InvalidParam(field, "must be a date (YYYY-MM-DD) or an ISO-8601 instant such as "
                + "2026-12-01T00:00:00Z, between the years 2000 and 2200"));
        return null;
    }
}
