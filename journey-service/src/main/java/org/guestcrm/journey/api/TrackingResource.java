package org.guestcrm.journey.api;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.tracking.Engagements;
import org.guestcrm.journey.tracking.MailTracking;
import org.guestcrm.platform.api.Problem;
import org.guestcrm.platform.security.SignedLinks;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * The open pixel and the click redirect of sent mails (issue 9; links made by {@link MailTracking}): guest-facing, no
 * staff token, the signed token is the credential. A token that is not a valid, unexpired one of the right scope, a
 * {@code url} that is not the one the token signed (a foreign or edited URL: no open redirect), or a message unknown
 * to the token's tenant are answered 400 / 404 with a problem body naming the field; nothing is recorded then.
 * Logs nothing per request (the URL may carry a guest's data).
 */
@Path("/api/v1/track")
@PermitAll
@Tag(name = "Tracking", description = "Open pixel and click redirect of sent mails (signed links)")
public class TrackingResource {

    /** A transparent 1x1 GIF. */
    private static final byte[] PIXEL = java.util.Base64.getDecoder()
            .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    @Inject
    Engagements engagements;

    @Inject
    Clock clock;
    private SignedLinks links;

    @PostConstruct
    void init() {
        if (ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class).isPresent()) {
            links = SignedLinks.fromConfig();
        }
    }

    @GET
    @Path("open/{token}")
    @Operation(summary = "Open pixel: records the message's first open, answers a 1x1 GIF")
    public Response open(@PathParam("token") String token) {
        SignedLinks.Grant grant;
        try {
            grant = verify(token, MailTracking.OPEN_SCOPE);
        } catch (SignedLinks.InvalidLinkException e) {
            return problem(400, "Not a valid open link", "token", e.reason());
        }
        UUID id = uuidOf(grant.subject());
        if (id == null || engagements.opened(grant.tenant(), id, clock.instant()) == Engagements.Recorded.UNKNOWN_MESSAGE) {
            return problem(404, "No such message", "token", "names no message of its tenant");
        }
        return Response.ok(PIXEL, "image/gif").header("Cache-Control", "no-store, private").build();
    }

    @GET
    @Path("click/{token}")
    @Operation(summary = "Click redirect: records the message's first click, redirects to the link the mail carried")
    public Response click(@PathParam("token") String token, @QueryParam("url") String url) {
        SignedLinks.Grant grant;
        try {
            grant = verify(token, MailTracking.CLICK_SCOPE);
        } catch (SignedLinks.InvalidLinkException e) {
            return problem(400, "Not a valid click link", "token", e.reason());
        }
        String[] subject = grant.subject().split(" ", 2);
        UUID id = uuidOf(subject[0]);
        if (id == null || subject.length != 2) {
            return problem(400, "Not a valid click link", "token", "malformed");
        }
        if (url == null || url.isBlank()) {
            return problem(400, "No link to follow", "url", "is required");
        }
        if (!java.security.MessageDigest.isEqual(subject[1].getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                MailTracking.digestOf(url).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                || !(url.startsWith("https://") || url.startsWith("http://"))) {
            return problem(400, "Not the link of this message", "url", "is not the link this message carried");
        }
        if (engagements.clicked(grant.tenant(), id, clock.instant()) == Engagements.Recorded.UNKNOWN_MESSAGE) {
            return problem(404, "No such message", "token", "names no message of its tenant");
        }
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            return problem(400, "Not the link of this message", "url", "is not a URL");
        }
        return Response.status(302).location(target).header("Cache-Control", "no-store, private").build();
    }

    private SignedLinks.Grant verify(String token, String scope) {
        if (links == null) {
            throw new IllegalStateException("guestcrm.signed-links.keys is not set: no tracking links are issued");
        }
        return links.verify(token, scope);
    }

    private static UUID uuidOf(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Response problem(int status, String title, String field, String reason) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, field + " " + reason, null,
                        List.of(new Problem.InvalidParam(field, reason))))
                .build();
    }
}
