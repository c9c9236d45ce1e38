package org.guestcrm.platform.api;

import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * Refuses a request whose path or query parameters hold a NUL or another C0 control character (other than tab) with a
 * 400 naming the parameter: such a value can never be an id, and PostgreSQL would fail on a NUL with a 500.
 */
public class ControlCharacterFilter {

    @ServerRequestFilter(preMatching = false)
    public Response refuseControlCharacters(ContainerRequestContext request) {
        String bad = firstBad(request.getUriInfo().getPathParameters());
        if (bad == null) {
            bad = firstBad(request.getUriInfo().getQueryParameters());
        }
        if (bad == null) {
            return null;
        }
        return Response.status(400).type(Problem.MEDIA_TYPE)
                .entity(new Problem("urn:guestcrm:problem:invalid-request", "Invalid request", 400,
                        // No instance: the path holds the control character, and may hold a credential (a signed
                        // link's token) that a problem body must not echo.
                        "A parameter holds a control character", null,
                        List.of(new Problem.InvalidParam(bad, "must not hold control characters"))))
                .build();
    }

    private static String firstBad(Map<String, List<String>> parameters) {
        for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
            for (String value : entry.getValue()) {
                if (value != null && value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                    return entry.getKey();
                }
            }
        }
        return null;
    }
}
