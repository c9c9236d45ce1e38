package org.guestcrm.optout.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.GuestLinkSubject;
import org.guestcrm.optout.messaging.ConsentRecorder;
import org.guestcrm.platform.security.SignedLinks;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * One-click unsubscribe (RFC 8058) for the {@code List-Unsubscribe} link of every marketing e-mail:
 * {@code /u/<token>} or {@code /api/v1/unsubscribe?t=<token>} (the form the journey-service's mails use), the token signed by service-platform's {@link SignedLinks} (scope {@code unsubscribe}, the
 * tenant, subject {@code CHANNEL:PURPOSE:cp1_...} naming the contact point by its opaque reference, or, for links signed
 * before the references, the address itself; expiry). {@code GET} shows a confirmation page and changes
 * nothing (mail scanners follow links); {@code POST} with the form field {@code List-Unsubscribe=One-Click} withdraws
 * the consent at once (source UNSUBSCRIBE_LINK, actor guest) and answers 200. A malformed, forged or unknown-key
 * token answers 400, an expired one 410, each with a page that says so; no token is ever echoed.
 */
@Path("/")
@PermitAll
public class UnsubscribeResource {

    private static final Logger LOG = Logger.getLogger(UnsubscribeResource.class);
    private static final String HTML = "text/html;charset=UTF-8";

    @Inject
    GuestLinks links;
    @Inject
    ConsentRecorder recorder;
    @Inject
    LinkContactPoints contactPoints;
    @Inject
    PreferenceLinks preferenceLinks;
    @Inject
    org.guestcrm.optout.persistence.PreferenceCentreStore store;
    @Inject
    @Location("guest-page.html")
    Template page;

    /** What a valid link is about. */
    private record Target(String tenant, ContactPoint contactPoint, ConsentChannel channel, ConsentPurpose purpose,
            String keyId) {
    }

    @GET
    @Path("api/v1/unsubscribe")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The same confirmation page, the token as query parameter t (the journey-service's List-Unsubscribe links)")
    public Response confirmByQuery(@QueryParam("t") String token, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage) {
        return confirm(token, lang, acceptLanguage);
    }

    @POST
    @Path("api/v1/unsubscribe")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The same one-click unsubscribe, the token as query parameter t")
    public Response unsubscribeByQuery(@QueryParam("t") String token, @RestForm("List-Unsubscribe") String oneClick,
            @QueryParam("lang") String lang, @HeaderParam("Accept-Language") String acceptLanguage,
            @Context HttpServerRequest http) {
        return unsubscribe(token, oneClick, lang, acceptLanguage, http);
    }

    @GET
    @Path("u/{token}")
    @Produces(HTML)
    @Transactional
    @Operation(summary = "The guest's confirmation page of a one-click unsubscribe link (changes nothing)")
    public Response confirm(@PathParam("token") String token, @QueryParam("lang") String lang,
            @HeaderParam("Accept-Language") String acceptLanguage) {
        GuestPageTexts texts = GuestPageTexts.choose(lang, acceptLanguage);
        Object checked = check(token, texts);
        if (checked instanceof Response refusal) {
            return refusal;
        }
        return render(200, texts, texts.confirmTitle(), texts.confirmMessage(), true, token);
    }

    @POST
    @Path("u/{token}")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.MULTIPART_FORM_DATA})
    @Produces(HTML)
    @Transactional
    @Operation(summary = "RFC 8058 one-click unsubscribe: body List-Unsubscribe=One-Click withdraws the consent, 200")
    public Response unsubscribe(@PathParam("token") String token, @RestForm("List-Unsubscribe") String oneClick,
            @QueryParam("lang") String lang, @HeaderParam("Accept-Language") String acceptLanguage,
            @Context HttpServerRequest http) {
        GuestPageTexts texts = GuestPageTexts.choose(lang, acceptLanguage);
        Object checked = check(token, texts);
        if (checked instanceof Response refusal) {
            return refusal;
        }
        if (!"One-Click".equals(oneClick)) {
            return render(400, texts, texts.invalidTitle(), texts.notOneClickMessage(), false, token);
        }
        Target target = (Target) checked;
        String evidence = "unsubscribe-link:" + fingerprint(token);
        boolean changed = recorder.record(target.tenant(), new ConsentStatement(target.contactPoint(), target.channel(),
                        target.purpose(), ConsentStatus.WITHDRAWN, ConsentSource.UNSUBSCRIBE_LINK,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS)),
                new ConsentRecorder.Provenance("guest", "link-key:" + target.keyId(), evidence, UUID.randomUUID().toString()));
        // The guests' activity trail: when, which contact point (by reference), from where.
        store.activity(target.tenant(), org.guestcrm.optout.persistence.KnownContactPoints.refOf(target.tenant(), target.contactPoint()),
                "unsubscribe:" + target.channel() + ":" + target.purpose() + (changed ? ":withdrawn" : ":unchanged"),
                http == null || http.remoteAddress() == null ? null : http.remoteAddress().hostAddress(),
                http == null ? null : http.getHeader("User-Agent"), 200);
        LOG.debugf("Unsubscribe link %s used (tenant %s): %s.", evidence, target.tenant(), changed ? "consent withdrawn" : "already withdrawn");
        // The way on to the guest's other choices: a preference-centre link for the same contact point (e-mail only).
        String more = target.channel() == ConsentChannel.EMAIL ? preferenceLinks.path(target.tenant(),
                org.guestcrm.optout.persistence.KnownContactPoints.refOf(target.tenant(), target.contactPoint()), texts.lang()) : null;
        return render(200, texts, texts.doneTitle(), texts.doneMessage(), false, token, more);
    }

    /** The link's target, or the page that refuses it. */
    private Object check(String token, GuestPageTexts texts) {
        if (token == null || token.isBlank()) {
            return render(400, texts, texts.invalidTitle(), texts.invalidMessage(), false, null);
        }
        Optional<SignedLinks> signer = links.links();
        if (signer.isEmpty()) {
            LOG.warn("An unsubscribe link was opened but guestcrm.signed-links.keys is not configured.");
            return render(503, texts, texts.invalidTitle(), texts.unavailableMessage(), false, null);
        }
        try {
            SignedLinks.Grant grant = signer.get().verify(token, GuestLinks.UNSUBSCRIBE);
            GuestLinkSubject subject = GuestLinkSubject.parseUnsubscribe(grant.subject())
                    .orElseThrow(() -> new IllegalArgumentException("subject"));
            ContactPoint contactPoint = contactPoints.resolve(grant.tenant(), subject)
                    .orElseThrow(() -> new IllegalArgumentException("contact point"));
            return new Target(grant.tenant(), contactPoint, subject.channel(), subject.purpose(), token.split("\\.")[1]);
        } catch (SignedLinks.InvalidLinkException e) {
            LOG.debugf("An unsubscribe link was refused: %s.", e.reason());
            return "expired".equals(e.reason())
                    ? render(410, texts, texts.expiredTitle(), texts.expiredMessage(), false, null)
                    : render(400, texts, texts.invalidTitle(), texts.invalidMessage(), false, null);
        } catch (IllegalArgumentException e) {
            LOG.debugf("A signed unsubscribe link with an unusable subject was refused (%s).", e.getMessage());
            return render(400, texts, texts.invalidTitle(), texts.invalidMessage(), false, null);
        }
    }

    private Response render(int status, GuestPageTexts texts, String title, String message, boolean showForm, String token) {
        return render(status, texts, title, message, showForm, token, null);
    }

    private Response render(int status, GuestPageTexts texts, String title, String message, boolean showForm, String token,
            String moreHref) {
        String self = token == null ? null : "/u/" + token;
        String html = page.data("lang", texts.lang())
                .data("title", title)
                .data("message", message)
                .data("showForm", showForm)
                .data("action", self == null ? "" : self + "?lang=" + texts.lang())
                .data("button", texts.confirmButton())
                .data("switches", self == null ? List.of() : GuestTexts.switches(texts.lang(), code -> self + "?lang=" + code))
                .data("moreHref", moreHref)
                .data("moreLabel", PreferenceLinks.texts(texts.lang()).get("manage"))
                .render();
        return Response.status(status).type(HTML).entity(html).build();
    }

    private static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
