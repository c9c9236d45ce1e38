package org.guestcrm.optout.domain;

import java.util.Optional;

/**
 * The subject of a guest link: {@code CHANNEL:PURPOSE:<contact point>} for an unsubscribe link,
 * {@code CHANNEL:<contact point>} for the preference centre. The contact point is named by its opaque reference
 * ({@code cp1_...}, service-platform's {@code ContactPointRef}); the old form with the address itself, as links sent
 * before the references were introduced carry it, is still read (see {@link #namesAddress()}).
 */
public record GuestLinkSubject(ConsentChannel channel, ConsentPurpose purpose, String contactPoint) {

    public GuestLinkSubject {
        if (channel == null || contactPoint == null || contactPoint.isBlank()) {
            throw new IllegalArgumentException("A link subject needs a channel and a contact point");
        }
    }

    /** {@code CHANNEL:PURPOSE:contactPoint}; empty when it is not of that form (or names an unknown channel or purpose). */
    public static Optional<GuestLinkSubject> parseUnsubscribe(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        String[] parts = subject.split(":", 3);
        if (parts.length != 3 || parts[2].isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GuestLinkSubject(ConsentChannel.valueOf(parts[0]), ConsentPurpose.valueOf(parts[1]), parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code CHANNEL:contactPoint} (no purpose: the preference centre covers them all). */
    public static Optional<GuestLinkSubject> parsePreferences(String subject) {
        if (subject == null) {
            return Optional.empty();
        }
        String[] parts = subject.split(":", 2);
        if (parts.length != 2 || parts[1].isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GuestLinkSubject(ConsentChannel.valueOf(parts[0]), null, parts[1]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The subject of a preference-centre link for the contact point with reference {@code ref}. */
    public static String preferences(ConsentChannel channel, String ref) {
        return channel.name() + ":" + ref;
    }

    /** The subject of an unsubscribe link for the contact point with reference {@code ref}. */
    public static String unsubscribe(ConsentChannel channel, ConsentPurpose purpose, String ref) {
        return channel.name() + ":" + purpose.name() + ":" + ref;
    }

    /**
     * Whether the subject names the address itself (the form before opaque references): still accepted for links
     * already sent, while {@code optout.links.accept-address-subjects} is true.
     */
    public boolean namesAddress() {
        return !org.guestcrm.platform.domain.ContactPointRef.looksLikeRef(contactPoint);
    }

    /** Whether a contact point of this kind can be the subject's (e-mail for EMAIL; a phone for SMS, PHONE). */
    public boolean fits(ContactPoint point) {
        return fits(channel, point);
    }

    /**
     * Whether consent on {@code channel} can be about {@code point}: e-mail for EMAIL, a phone for SMS and PHONE, a
     * postal address for POST.
     */
    public static boolean fits(ConsentChannel channel, ContactPoint point) {
        return point.kind() == channel.kind();
    }
}
