package org.guestcrm.platform.it;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** Stands for a PMS feed endpoint: open to the staff doors, it checks its own credentials (here: none). */
@Path("/api/v1/feeds/probe")
public class ProbeFeedResource {

    @POST
    @PermitAll
    public Response accept(String body) {
        return Response.accepted().build();
    }
}
