package org.guestcrm.platform.it;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A resource that only takes JSON by POST: the framework refuses anything else (415, 405) before it runs. */
@Path("/api/v1/probe-strict")
public class ProbeStrictResource {

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response accept(String body) {
        return Response.accepted().build();
    }

    /** A typed body, read by the framework's JSON reader. */
    public record Typed(String name, int count, java.util.List<Integer> sizes) {
    }

    @POST
    @Path("/typed")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response typed(Typed body) {
        return Response.accepted().build();
    }

    /** A form, read by RESTEasy's form parser before the method runs. */
    @POST
    @Path("/form")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response form(@org.jboss.resteasy.reactive.RestForm("name") String name) {
        return name == null ? Response.status(422).build() : Response.accepted().build();
    }

    /** A form read whole as a map, by RESTEasy's form body reader (the journey's survey page reads its form so). */
    @POST
    @Path("/form-map")
    @PermitAll
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response formMap(jakarta.ws.rs.core.MultivaluedMap<String, String> form) {
        return form.containsKey("name") ? Response.accepted().build() : Response.status(422).build();
    }
}
