package org.guestcrm.optout.api;

import java.util.Optional;

import org.guestcrm.platform.security.SignedLinks;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The signer and verifier of the guests' links (service-platform's {@link SignedLinks}; keys from
 * {@code guestcrm.signed-links.keys}, environment only). Without keys the service still runs and its guest pages say
 * that links cannot be checked (503), rather than failing at start.
 */
@ApplicationScoped
public class GuestLinks {

    /** Scope of the one-click unsubscribe link; its subject is {@code CHANNEL:PURPOSE:contactPoint}. */
    public static final String UNSUBSCRIBE = "unsubscribe";

    /** Scope of the preference-centre link; its subject is {@code CHANNEL:cp1_...} (the contact point's reference). */
    public static final String PREFERENCES = "preferences";

    /**
     * Scope of the link in an erasure confirmation mail; its subject is {@code CHANNEL:cp1_...:<confirmation id>}
     * ({@link org.guestcrm.optout.domain.ErasureLinkSubject}).
     */
    public static final String ERASURE = "erasure";

    /**
     * Scope of the link in the mail verifying a corrected e-mail address (sent to the new address); its subject is
     * {@code EMAIL:cp1_<old address>:<email change id>} (the form of {@link org.guestcrm.optout.domain.ErasureLinkSubject}).
     */
    public static final String EMAIL_CHANGE = "email-change";

    private volatile SignedLinks links;

    public Optional<SignedLinks> links() {
        SignedLinks current = links;
        if (current == null) {
            try {
                current = SignedLinks.fromConfig();
                links = current;
            } catch (IllegalStateException | IllegalArgumentException notConfigured) {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    /** A short fingerprint of a token or nonce for evidence and logs (the first 8 bytes of its SHA-256, hex). */
    public static String fingerprint(String value) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
