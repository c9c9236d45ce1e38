package org.guestcrm.optout.api;

import java.time.Instant;
import java.util.Map;

import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.GuestLinkSubject;
import org.guestcrm.platform.security.SignedLinks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The preference-centre links this service signs itself (scope {@code preferences}, subject {@code EMAIL:cp1_...}:
 * the contact point's opaque reference, never the address), under {@code optout.links.public-base-url}.
 */
@ApplicationScoped
public class PreferenceLinks {

    @Inject
    GuestLinks links;
    @Inject
    OptoutConfig config;

    /** A link and when it expires. */
    public record Link(String url, Instant expiresAt) {
    }

    public Link link(String tenant, String ref, String lang) {
        SignedLinks signer = links.links().orElseThrow(() -> new IllegalStateException("guestcrm.signed-links.keys is not set"));
        SignedLinks.Grant grant = new SignedLinks.Grant(GuestLinks.PREFERENCES, tenant,
                GuestLinkSubject.preferences(ConsentChannel.EMAIL, ref), Instant.now().plus(config.links().preferencesValidFor()));
        String base = config.links().publicBaseUrl().replaceAll("/+$", "");
        return new Link(base + "/p/" + signer.sign(grant) + "?lang=" + GuestTexts.supported(lang), grant.expiresAt());
    }

    /**
     * The link of an erasure confirmation mail ({@code /preferences/erasure/confirm/<token>?lang=..}), valid until the
     * request's {@code expiresAt}: scope {@code erasure}, subject naming the reference and the request.
     */
    public Link erasureLink(String tenant, String ref, java.util.UUID confirmationId, String lang, Instant expiresAt) {
        SignedLinks signer = links.links().orElseThrow(() -> new IllegalStateException("guestcrm.signed-links.keys is not set"));
        SignedLinks.Grant grant = new SignedLinks.Grant(GuestLinks.ERASURE, tenant,
                new org.guestcrm.optout.domain.ErasureLinkSubject(ConsentChannel.EMAIL, ref, confirmationId).format(), expiresAt);
        String base = config.links().publicBaseUrl().replaceAll("/+$", "");
        return new Link(base + "/preferences/erasure/confirm/" + signer.sign(grant) + "?lang=" + GuestTexts.supported(lang),
                grant.expiresAt());
    }

    /** The link of the mail verifying a corrected address ({@code /preferences/email/confirm/<token>?lang=..}). */
    public Link emailChangeLink(String tenant, String ref, java.util.UUID changeId, String lang, Instant expiresAt) {
        SignedLinks signer = links.links().orElseThrow(() -> new IllegalStateException("guestcrm.signed-links.keys is not set"));
        SignedLinks.Grant grant = new SignedLinks.Grant(GuestLinks.EMAIL_CHANGE, tenant,
                new org.guestcrm.optout.domain.ErasureLinkSubject(ConsentChannel.EMAIL, ref, changeId).format(), expiresAt);
        String base = config.links().publicBaseUrl().replaceAll("/+$", "");
        return new Link(base + "/preferences/email/confirm/" + signer.sign(grant) + "?lang=" + GuestTexts.supported(lang),
                grant.expiresAt());
    }

    /** A link on this host ({@code /p/<token>?lang=..}), for a page the guest is already on. */
    public String path(String tenant, String ref, String lang) {
        String url = link(tenant, ref, lang).url();
        return url.substring(url.indexOf("/p/"));
    }

    /** The words of the mail in {@code lang} (one of GuestTexts.LANGUAGES, else English). */
    public static Map<String, String> texts(String lang) {
        return PreferenceTexts.of(lang);
    }
}
