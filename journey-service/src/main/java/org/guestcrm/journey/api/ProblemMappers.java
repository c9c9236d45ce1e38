package org.guestcrm.journey.api;

import java.util.List;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Turns exceptions into RFC 9457 problem+json responses: 4xx for bad input, never a 500 for it. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_BASE = "https://guestcrm.local/problems/";

    @ServerExceptionMapper
    public Response notFound(ReservationNotFoundException e, UriInfo uri) {
        return problem(new ProblemDetail(TYPE_BASE + "reservation-not-found", "Reservation not found", 404,
                e.getMessage(), uri.getPath(), null));
    }

    @ServerExceptionMapper
    public Response campaignNotFound(CampaignNotFoundException e, UriInfo uri) {
        return problem(new ProblemDetail(TYPE_BASE + "campaign-not-found", "Campaign not found", 404,
                e.getMessage(), uri.getPath(), null));
    }

    @ServerExceptionMapper
    public Response campaignConflict(org.guestcrm.journey.campaign.CampaignPlanner.LifecycleConflict e, UriInfo uri) {
        return problem(new ProblemDetail(TYPE_BASE + "campaign-status-conflict", "Campaign status conflict", 409,
                e.getMessage(), uri.getPath(), List.of("status")));
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<String> fields = e.getConstraintViolations().stream()
                .map(v -> {
                    String path = v.getPropertyPath().toString();
                    return path.substring(path.lastIndexOf('.') + 1);
                })
                .distinct().sorted().toList();
        return problem(new ProblemDetail(TYPE_BASE + "invalid-request", "Invalid request", 400,
                "The request has invalid fields: " + String.join(", ", fields), uri.getPath(), fields));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return problem(new ProblemDetail(TYPE_BASE + "http-" + status, title, status, e.getMessage(), uri.getPath(),
                null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        if (e instanceof IllegalArgumentException && org.guestcrm.platform.api.Problems.thrownReadingTheBody(e)) {
            // A form body that does not decode (the survey page's POST): the caller's fault, 400 naming the body.
            return org.guestcrm.platform.api.Problems.unexpected(e, uri);
        }
        // Class and SQL state only: an exception's text can quote request data.
        LOG.errorf("Request %s failed unexpectedly: %s", uri.getPath(), org.guestcrm.platform.intake.Failures.describe(e));
        LOG.debugf(e, "Stack of the failed request %s", uri.getPath());
        return problem(new ProblemDetail(TYPE_BASE + "internal-error", "Internal error", 500,
                "The request could not be completed; the error was logged.", uri.getPath(), null));
    }

    private static Response problem(ProblemDetail problem) {
        return Response.status(problem.status()).type(ProblemDetail.MEDIA_TYPE).entity(problem).build();
    }
}
