package org.guestcrm.platform.it;

import org.guestcrm.platform.api.Problems;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** What every service's mappers do with an exception nothing else maps: the platform's {@link Problems#unexpected}. */
public class ProbeProblemMappers {

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        return Problems.unexpected(e, uri);
    }
}
