package org.guestcrm.platform.api;

import java.util.List;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * problem+json responses. The mapper of {@link InvalidRequestException} applies in every service (only code that
 * uses this platform throws it); the static methods are for a service's own {@code @ServerExceptionMapper}s, so a
 * service chooses which of its errors it maps this way.
 */
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e, UriInfo uri) {
        return of(400, "urn:guestcrm:problem:invalid-request", "Invalid request", e.getMessage(), uri, e.invalidParams());
    }

    /** No or an invalid staff token: 401 with a problem body and the challenge. */
    @ServerExceptionMapper({io.quarkus.security.UnauthorizedException.class,
            io.quarkus.security.AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(of(401, "urn:guestcrm:problem:unauthorized", "Unauthorized",
                "This endpoint needs a valid bearer token.", uri, List.of()))
                .header("WWW-Authenticate", "Bearer").build();
    }

    /** A valid token whose roles do not admit this endpoint: 403 with a problem body. */
    @ServerExceptionMapper(io.quarkus.security.ForbiddenException.class)
    public Response forbidden(RuntimeException e, UriInfo uri) {
        return of(403, "urn:guestcrm:problem:forbidden", "Forbidden",
                "The token's roles do not admit this endpoint.", uri, List.of());
    }

    /**
     * The framework's own refusals (no resource at the path inside a matched root, method not allowed, a content type
     * not consumed, no acceptable representation): the same status with a problem body, so a client always learns
     * why. More specific than a service's own WebApplicationException mapper, so they apply in every service. The
     * detail is fixed text (the exception's message can quote the request's headers).
     */
    @ServerExceptionMapper({jakarta.ws.rs.NotFoundException.class, jakarta.ws.rs.NotAllowedException.class,
            jakarta.ws.rs.NotSupportedException.class, jakarta.ws.rs.NotAcceptableException.class})
    public Response frameworkRefusal(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String detail = switch (status) {
            case 404 -> e.getMessage() != null && !e.getMessage().startsWith("HTTP 404") ? e.getMessage()
                    : "There is no resource at this path.";
            case 405 -> "This resource does not answer this method.";
            case 415 -> "This resource does not accept the request's Content-Type.";
            case 406 -> "This resource cannot answer in a type the request's Accept header admits.";
            default -> "The request was refused.";
        };
        Response problem = webApplication(e, uri);
        Response.ResponseBuilder answer = Response.fromResponse(of(status, "about:blank",
                problem.getEntity() instanceof Problem p ? p.title() : "Error", detail, uri, List.of()));
        // 405 should say what is allowed (RFC 9110 15.5.6); the framework's exception carries it only sometimes.
        Object allow = e.getResponse().getHeaders().getFirst("Allow");
        if (allow != null) {
            answer.header("Allow", allow);
        }
        return answer.build();
    }

    /**
     * A body that is not JSON, or a field of the wrong type, in every service: 400 with a problem naming the field's path
     * (never its value: Jackson's own message quotes the input). Without these the framework answered a bare 400 with no
     * body (seen by the fuzz on the connector's {@code POST /api/v1/feeds}). Priority 2: Quarkus has its own mappers of
     * these types, and a service that maps them itself (priority 1) keeps its own.
     */
    @ServerExceptionMapper(priority = 2)
    public Response unparseableJson(com.fasterxml.jackson.core.JsonParseException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper(priority = 2)
    public Response mismatchedJson(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper(priority = 2)
    public Response unreadableJsonBody(com.fasterxml.jackson.core.JsonProcessingException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    /**
     * The JSON reader wraps what it cannot parse in a bare {@code WebApplicationException(400)}: that one gets the problem
     * too. Every other WebApplicationException is answered exactly as the framework would (its own response, entity
     * included), and a service's own mapper of the type (default priority) comes first.
     */
    @ServerExceptionMapper(priority = 6000)
    public Response unreadableJsonWrapped(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json && e.getResponse().getStatus() == 400
                && !e.getResponse().hasEntity()) {
            return unreadableJson(json, uri);
        }
        return e.getResponse();
    }

    /** The problem of a JSON body that cannot be read: the field's path is named ({@code body} when it is no JSON). */
    public static Response unreadableJson(com.fasterxml.jackson.core.JsonProcessingException e, UriInfo uri) {
        String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[")
                : "body";
        String reason = field.equals("body") ? "is not valid JSON" : "has the wrong type or format";
        return of(400, "urn:guestcrm:problem:invalid-request", "Invalid request", "The request has invalid fields: " + field,
                uri, List.of(new Problem.InvalidParam(field, reason)));
    }

    /** A WebApplicationException's status with its reason phrase as title ({@code about:blank}). */
    public static Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return of(status, "about:blank", known != null ? known.getReasonPhrase() : "Error", e.getMessage(), uri, List.of());
    }

    /**
     * A charset the server does not know, named in the request's Content-Type (found by {@code ./crm fuzz}: a form
     * post with {@code charset=klingon} was a 500): 415 naming the header, when RESTEasy's reading of the body threw it;
     * thrown anywhere else it is a fault of ours, a 500 as {@link #unexpected}.
     */
    @ServerExceptionMapper({java.nio.charset.UnsupportedCharsetException.class, java.nio.charset.IllegalCharsetNameException.class})
    public Response unknownCharset(IllegalArgumentException e, UriInfo uri) {
        if (!thrownReadingTheBody(e)) {
            return unexpected(e, uri);
        }
        return charsetRefused(uri);
    }

    /** The same refusal when RESTEasy's form body reader (a form read whole as a map) met the unknown charset. */
    @ServerExceptionMapper(java.io.UnsupportedEncodingException.class)
    public Response unknownEncoding(java.io.UnsupportedEncodingException e, UriInfo uri) {
        if (!thrownReadingTheBody(e)) {
            return unexpected(new IllegalStateException(e), uri);
        }
        return charsetRefused(uri);
    }

    private static Response charsetRefused(UriInfo uri) {
        return of(415, "urn:guestcrm:problem:unsupported-media-type", "Unsupported Media Type",
                "The request's Content-Type names a charset this server does not support", uri,
                List.of(new Problem.InvalidParam("Content-Type", "names an unknown charset (send UTF-8)")));
    }

    /**
     * Whether RESTEasy threw {@code e} while it read the request's form or multipart body, before any resource ran: in
     * its form handler (form parameters), its multipart reader, or its form body reader (a form read whole as a map).
     */
    public static boolean thrownReadingTheBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                String type = frame.getClassName();
                if (type.startsWith("org.jboss.resteasy.reactive.server.core.multipart.")
                        || type.equals("org.jboss.resteasy.reactive.server.handlers.FormBodyHandler")
                        || (type.startsWith("org.jboss.resteasy.reactive.") && type.contains(".providers.serialisers.")
                                && type.contains("FormUrlEncoded"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A 500 that logs the failure (with the path, never the request body) and tells the caller nothing more; unless
     * RESTEasy threw it reading a form body that does not decode (a bad {@code %} escape, random bytes: found by
     * {@code ./crm fuzz}), which is the caller's: 400 naming the body.
     */
    public static Response unexpected(RuntimeException e, UriInfo uri) {
        if (e instanceof IllegalArgumentException && thrownReadingTheBody(e)) {
            return of(400, "urn:guestcrm:problem:invalid-request", "Invalid request", "The request has invalid fields: body",
                    uri, List.of(new Problem.InvalidParam("body", "is not a form body that decodes (an escape that is not"
                            + " %XX, or bytes that are not text)")));
        }
        // The exception's own text can carry request data (a guest's e-mail in a constraint violation): class and SQL
        // state at ERROR, the stack at DEBUG.
        String path = loggablePath(uri.getPath());
        LOG.errorf("Request to %s failed unexpectedly: %s", path, org.guestcrm.platform.intake.Failures.describe(e));
        LOG.debugf(e, "Stack of the failed request to %s", path);
        return of(500, "about:blank", "Internal Server Error", "The request could not be completed.", uri, List.of());
    }

    /** Path segments longer than this are logged as their length only. */
    static final int LONGEST_LOGGED_SEGMENT = 40;

    /**
     * The path as a log may hold it: a segment longer than {@value #LONGEST_LOGGED_SEGMENT} characters (a signed link's
     * token is a credential, and a hostile path can be kilobytes long) becomes {@code {N chars}}, a control character
     * {@code ?}; ids up to a UUID's 36 characters stay readable.
     */
    static String loggablePath(String path) {
        if (path == null) {
            return "-";
        }
        return java.util.Arrays.stream(path.split("/", -1))
                .map(segment -> segment.length() > LONGEST_LOGGED_SEGMENT ? "{" + segment.length() + " chars}"
                        : segment.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                                .toString())
                .collect(java.util.stream.Collectors.joining("/"));
    }

    /** The request path as the problem's instance, cut to 200 characters (a hostile path can be kilobytes long). */
    static String instanceOf(UriInfo uri) {
        String path = uri.getPath();
        return path == null || path.length() <= UnmatchedRoutes.MAX_INSTANCE_LENGTH ? path
                : path.substring(0, UnmatchedRoutes.MAX_INSTANCE_LENGTH);
    }

    public static Response of(int status, String type, String title, String detail, UriInfo uri,
                              List<Problem.InvalidParam> params) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, instanceOf(uri), params))
                .build();
    }
}
