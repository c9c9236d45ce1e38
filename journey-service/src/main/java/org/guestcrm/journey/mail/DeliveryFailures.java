package org.guestcrm.journey.mail;

import java.util.concurrent.TimeoutException;

import org.guestcrm.journey.domain.ErrorText;

import io.vertx.ext.mail.SMTPException;

/**
 * Tells a permanent delivery failure from a transient one. Permanent: an SMTP 5xx reply (RFC 5321 4.2.1, "permanent
 * negative completion") or an address the mail client cannot even parse. Everything else (4xx replies, connection
 * refused or reset, timeouts, a server that closed the connection) is transient.
 */
final class DeliveryFailures {

    /** Vert.x's text for an address it cannot parse; the rest of its message is the address itself. */
    private static final String INVALID_ADDRESS = "invalid email address";
    /** Quarkus' text for the same (it checks the addresses before handing the mail to Vert.x). */
    private static final String QUARKUS_INVALID_ADDRESS = "Unable to send an email, an email address is invalid";

    private DeliveryFailures() {
    }

    /** Enhanced status code 5.1.x (RFC 3463: addressing status) at the start of a reply text, after its basic code. */
    private static final java.util.regex.Pattern ADDRESS_STATUS = java.util.regex.Pattern.compile("^(\\d{3}[ -])?5\\.1\\.\\d{1,3}\\b");

    /**
     * A permanent refusal of the recipient itself: SMTP 5xx whose enhanced status code is 5.1.x (bad mailbox 5.1.1,
     * bad domain 5.1.2, bad syntax 5.1.3, ...). Other permanent refusals (policy 5.7.x, message 5.6.x) are not bounces
     * of the address.
     */
    static boolean isHardBounce(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String reply = smtp.getReplyMessage() == null ? "" : smtp.getReplyMessage().trim();
                return smtp.getReplyCode() >= 500 && smtp.getReplyCode() < 600 && ADDRESS_STATUS.matcher(reply).find();
            }
        }
        return false;
    }

    static boolean isPermanent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException smtp) {
                return smtp.getReplyCode() >= 500 && smtp.getReplyCode() < 600;
            }
            if (isInvalidAddress(t)) {
                return true;
            }
        }
        return false;
    }

    /** The failure as a sentence without personal data: the SMTP reply code and text, masked. */
    static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException smtp) {
                String reply = smtp.getReplyMessage() == null ? "" : smtp.getReplyMessage().trim();
                String code = String.valueOf(smtp.getReplyCode());
                return ErrorText.withoutPersonalData("SMTP " + (reply.startsWith(code) ? reply : code + " " + reply));
            }
            if (isInvalidAddress(t)) {
                // Vert.x appends the address; it may be personal data even without an '@', so it is dropped.
                return "invalid e-mail address";
            }
            if (t instanceof TimeoutException || t instanceof io.smallrye.mutiny.TimeoutException) {
                // The JDK's, or Mutiny's (the dispatcher's send-timeout: ifNoItem().after(...).fail()).
                return "no answer from the mail server in time";
            }
        }
        return ErrorText.withoutPersonalData(error);
    }

    private static boolean isInvalidAddress(Throwable t) {
        return t instanceof IllegalArgumentException && t.getMessage() != null
                && (t.getMessage().startsWith(INVALID_ADDRESS) || t.getMessage().startsWith(QUARKUS_INVALID_ADDRESS));
    }
}
