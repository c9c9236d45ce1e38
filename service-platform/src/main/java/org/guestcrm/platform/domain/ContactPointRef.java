package org.guestcrm.platform.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An opaque reference to one contact point of one tenant, for places where the address itself must not appear: the
 * subject of a guest link (unsubscribe, preference centre) that ends up in URLs, browser histories and access logs.
 *
 * <p>{@code cp1_} + base64url of the first 18 bytes of SHA-256({@code tenant} NUL {@code kind} NUL {@code normalised
 * contact point}): 28 characters, the same in every service that computes it, so the journey-service can sign a link
 * for a guest and the optout-service, which stores the reference beside each contact point, can resolve it without a
 * call between them. The tenant is inside the hash, so one address has unrelated references in two tenants.
 *
 * <p>It is a pseudonym, not an anonymisation: whoever holds a candidate address can compute its reference. That is
 * enough to keep addresses out of URLs and logs; it is not a secret. Links carrying it are signed ({@code SignedLinks}),
 * so a reference alone grants nothing.
 */
public final class ContactPointRef {

    private static final String PREFIX = "cp1_";
    private static final Pattern FORMAT = Pattern.compile("cp1_[A-Za-z0-9_-]{24}");

    private ContactPointRef() {
    }

    /**
     * The reference of {@code normalised} (already normalised: lower-case e-mail, E.164 phone, see
     * {@link ContactPointNormaliser}) of kind {@code kind} (e.g. {@code EMAIL}, {@code PHONE}) in {@code tenant}.
     */
    public static String of(String tenant, String kind, String normalised) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(normalised, "normalised");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((tenant + '\0' + kind + '\0' + normalised).getBytes(StandardCharsets.UTF_8));
            byte[] first = new byte[18];
            System.arraycopy(digest, 0, first, 0, first.length);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(first);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code value} has the form of a reference (it may still name no known contact point). */
    public static boolean looksLikeRef(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }
}
