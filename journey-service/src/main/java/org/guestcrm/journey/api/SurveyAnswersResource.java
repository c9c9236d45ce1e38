package org.guestcrm.journey.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.persistence.SurveyResponseEntity;
import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import io.quarkus.panache.common.Parameters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The staff's view of the post-stay survey answers of one tenant (issue 9): newest answer first, optionally of one
 * hotel, page by page. The comment is the guest's own words: shown to the staff who may read it, never logged.
 */
@Path("/api/v1/survey-answers/{tenant}")
@Tag(name = "Survey answers", description = "What guests answered to the post-stay survey")
public class SurveyAnswersResource {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 200;
    static final int MAX_PAGE = 100_000;

    @Inject
    TenantAccess access;

    /** One answer as the staff see it (its latest revision). */
    public record SurveyAnswerView(UUID responseId, UUID communicationId, String hotelCode, String pmsReservationId,
                                   String guestId, int revision, int score, Map<String, Integer> ratings,
                                   String comment, String language, Instant firstAnsweredAt, Instant answeredAt) {
    }

    /** One page of answers; {@code nextPage} is null on the last page. */
    public record SurveyAnswersPage(String tenant, String hotelCode, int page, int size, Integer nextPage,
                                    List<SurveyAnswerView> answers) {
    }

    @GET
    @RolesAllowed({Roles.MARKETER, Roles.AGENT})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List a tenant's survey answers",
            description = "The post-stay survey answers of the tenant (one per survey, its latest revision), newest "
                    + "answer first, optionally of one hotel; page by page (page from 0, size 1-200, default 50).")
    @APIResponse(responseCode = "200", description = "One page of answers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SurveyAnswersPage.class)))
    @APIResponse(responseCode = "400", description = "Invalid query parameters, named in invalidParams",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    @APIResponse(responseCode = "401", description = "No valid staff token")
    @APIResponse(responseCode = "403", description = "The token has neither the role marketer nor agent")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant",
            content = @Content(mediaType = ProblemDetail.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetail.class)))
    public SurveyAnswersPage list(
            @Parameter(description = "Tenant (hotel group) id") @PathParam("tenant") String tenant,
            @Parameter(description = "Only this hotel's answers") @QueryParam("hotel") String hotel,
            @Parameter(description = "Page number from 0 (default 0)") @QueryParam("page") String page,
            @Parameter(description = "Answers per page, 1-200 (default 50)") @QueryParam("size") String size) {
        // Another tenant is answered like one without answers would be for nobody: 404, before anything is read.
        access.require(tenant, () -> new NotFoundException("No survey answers of this tenant are visible"));
        List<Problem.InvalidParam> invalid = new ArrayList<>();
        if (hotel != null && (hotel.isBlank() || hotel.length() > 100)) {
            invalid.add(new Problem.InvalidParam("hotel", "must be a hotel code of 1 to 100 characters"));
        }
        int pageNumber = QueryNumbers.number(page, "page", 0, 0, MAX_PAGE, invalid);
        int pageSize = QueryNumbers.number(size, "size", DEFAULT_SIZE, 1, MAX_SIZE, invalid);
        if (!invalid.isEmpty()) {
            throw new InvalidRequestException("The request has invalid parameters: "
                    + String.join(", ", invalid.stream().map(Problem.InvalidParam::name).toList()), invalid);
        }
        StringBuilder query = new StringBuilder("tenant = :tenant");
        Parameters parameters = Parameters.with("tenant", tenant);
        if (hotel != null) {
            query.append(" and hotelCode = :hotel");
            parameters.and("hotel", hotel);
        }
        query.append(" order by answeredAt desc, id desc");
        // One row more than the page tells whether there is a next page, without a count.
        List<SurveyResponseEntity> rows = SurveyResponseEntity.<SurveyResponseEntity>find(query.toString(), parameters)
                .range(pageNumber * pageSize, pageNumber * pageSize + pageSize)
                .list();
        boolean more = rows.size() > pageSize;
        List<SurveyAnswerView> answers = rows.stream().limit(pageSize).map(SurveyAnswersResource::viewOf).toList();
        return new SurveyAnswersPage(tenant, hotel, pageNumber, pageSize, more ? pageNumber + 1 : null, answers);
    }

    private static SurveyAnswerView viewOf(SurveyResponseEntity answer) {
        return new SurveyAnswerView(answer.id, answer.communicationId, answer.hotelCode, answer.pmsReservationId,
                answer.guestId, answer.revision, answer.score, answer.ratings == null ? Map.of() : answer.ratings,
                answer.comment, answer.language, answer.firstAnsweredAt, answer.answeredAt);
    }

}
