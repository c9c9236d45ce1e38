package org.guestcrm.journey.domain;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a report received after the SMTP server accepted a mail says about it (issue 9): a delivery status
 * notification's per-recipient {@code Action} and {@code Status} (RFC 3464, status codes RFC 3463) or a feedback
 * report's {@code Feedback-Type} (RFC 5965).
 */
public final class DeliveryFeedback {

    /** HARD: delivery failed for good (5.x.x); SOFT: failed with a transient status (4.x.x) or delayed; a complaint. */
    public enum Kind { HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT }

    /** One recipient's fields of a DSN (lower-cased action, status code as given). */
    public record RecipientStatus(String action, String status) {
    }

    private static final Pattern STATUS = Pattern.compile("([245])\\.\\d{1,3}\\.\\d{1,3}");

    private DeliveryFeedback() {
    }

    /** The class digit of an RFC 3463 status ("5.1.1" -> '5'), or empty when it is none. */
    public static Optional<Character> statusClass(String status) {
        if (status == null) {
            return Optional.empty();
        }
        var matcher = STATUS.matcher(status.strip());
        return matcher.lookingAt() ? Optional.of(matcher.group(1).charAt(0)) : Optional.empty();
    }

    /**
     * One recipient: {@code failed} with 5.x.x -> HARD; {@code failed} with 4.x.x, or {@code delayed} -> SOFT;
     * {@code delivered}, {@code relayed}, {@code expanded} (or a failed one reporting 2.x.x) -> no failure.
     */
    public static Optional<Kind> ofRecipient(RecipientStatus recipient) {
        String action = recipient.action() == null ? "" : recipient.action().strip().toLowerCase(Locale.ROOT);
        Optional<Character> status = statusClass(recipient.status());
        if (action.equals("delayed")) {
            return Optional.of(Kind.SOFT_BOUNCE);
        }
        if (action.equals("failed")) {
            return status.flatMap(c -> switch (c) {
                case '5' -> Optional.of(Kind.HARD_BOUNCE);
                case '4' -> Optional.of(Kind.SOFT_BOUNCE);
                default -> Optional.<Kind>empty();
            });
        }
        return Optional.empty();
    }

    /** The worst of the report's recipients (our mails have one each): HARD over SOFT over none. */
    public static Optional<Kind> ofDsn(Collection<RecipientStatus> recipients) {
        Kind worst = null;
        for (RecipientStatus recipient : recipients) {
            Kind kind = ofRecipient(recipient).orElse(null);
            if (kind == Kind.HARD_BOUNCE || (kind == Kind.SOFT_BOUNCE && worst == null)) {
                worst = kind;
            }
        }
        return Optional.ofNullable(worst);
    }

    /** A feedback report: {@code abuse} (the recipient marked it as spam) is a complaint; other types are not. */
    public static Optional<Kind> ofFeedbackType(String feedbackType) {
        return feedbackType != null && feedbackType.strip().equalsIgnoreCase("abuse") ? Optional.of(Kind.COMPLAINT)
                : Optional.empty();
    }

    /** Whether a recipient block is usable: an Action and, for failed and delayed, a readable status. */
    public static boolean readable(RecipientStatus recipient) {
        if (recipient.action() == null || recipient.action().isBlank()) {
            return false;
        }
        String action = recipient.action().strip().toLowerCase(Locale.ROOT);
        return switch (action) {
            case "failed" -> statusClass(recipient.status()).isPresent();
            case "delayed", "delivered", "relayed", "expanded" -> true;
            default -> false;
        };
    }
}
