package org.guestcrm.optout.api;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.platform.security.SignedLinks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;

/**
 * The guests' sessions on the preference centre, without server state: the session cookie is a signed token (scope
 * {@code preference-session}, the tenant, subject {@code CHANNEL:ref:nonce}, where the ref is the contact point's
 * opaque reference, or {@code -} on the link-request page, which belongs to nobody yet), and the CSRF token of every form
 * is another signed token (scope {@code csrf}) bound to the session's random nonce. A form posted without it, with the
 * token of another session, or after the session expired is refused: a page elsewhere cannot post on the guest's
 * behalf, since it can neither read the cookie nor forge the token.
 */
@ApplicationScoped
public class GuestSessions {

    public static final String COOKIE = "optout_session";
    static final String SESSION_SCOPE = "preference-session";
    static final String CSRF_SCOPE = "csrf";
    private static final String NOBODY = "-";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    GuestLinks links;
    @Inject
    OptoutConfig config;

    /** A session: of one contact point ({@code ref}), or of nobody ({@code ref} null: the link-request page). */
    public record Session(String tenant, ConsentChannel channel, String ref, String nonce, String cookieValue) {
        public boolean ofContactPoint() {
            return ref != null;
        }
    }

    public Session open(SignedLinks signer, String tenant, ConsentChannel channel, String ref) {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String subject = (channel == null ? NOBODY : channel.name()) + ":" + (ref == null ? NOBODY : ref) + ":" + nonce;
        String cookie = signer.sign(SESSION_SCOPE, tenant, subject, config.links().sessionValidFor());
        return new Session(tenant, channel, ref, nonce, cookie);
    }

    /** The session of this cookie, if it is valid and unexpired. */
    public Optional<Session> read(String cookieValue) {
        Optional<SignedLinks> signer = links.links();
        if (cookieValue == null || signer.isEmpty()) {
            return Optional.empty();
        }
        try {
            SignedLinks.Grant grant = signer.get().verify(cookieValue, SESSION_SCOPE);
            String[] parts = grant.subject().split(":", 3);
            if (parts.length != 3) {
                return Optional.empty();
            }
            ConsentChannel channel = NOBODY.equals(parts[0]) ? null : ConsentChannel.valueOf(parts[0]);
            String ref = NOBODY.equals(parts[1]) ? null : parts[1];
            return Optional.of(new Session(grant.tenant(), channel, ref, parts[2], cookieValue));
        } catch (SignedLinks.InvalidLinkException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The CSRF token to put in every form of this session. */
    public String csrfToken(Session session) {
        return links.links().orElseThrow().sign(CSRF_SCOPE, session.tenant(), session.nonce(), config.links().sessionValidFor());
    }

    /** Whether {@code token} is this session's CSRF token (and not expired). */
    public boolean csrfValid(Session session, String token) {
        if (token == null || token.isBlank()) {
            return false;
        }
        try {
            SignedLinks.Grant grant = links.links().orElseThrow().verify(token, CSRF_SCOPE);
            return grant.tenant().equals(session.tenant()) && grant.subject().equals(session.nonce());
        } catch (SignedLinks.InvalidLinkException e) {
            return false;
        }
    }

    public NewCookie cookie(Session session) {
        Duration validFor = config.links().sessionValidFor();
        return new NewCookie.Builder(COOKIE).value(session.cookieValue()).path("/").httpOnly(true)
                .secure(config.links().publicBaseUrl().startsWith("https:")).sameSite(NewCookie.SameSite.LAX)
                .maxAge((int) validFor.toSeconds()).build();
    }
}
