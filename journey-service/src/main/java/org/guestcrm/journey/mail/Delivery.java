package org.guestcrm.journey.mail;

import java.util.UUID;

import org.guestcrm.journey.sms.SmsMessage;

import io.quarkus.mailer.Mail;

/**
 * One claimed communication ready to go: its attempt number (counted by the claim), whether the previous claim ended
 * without an outcome (then this is an ambiguous re-send: the earlier attempt may have reached the server), and either
 * the mail with its Message-ID fixed, or the text message with its idempotency key fixed (the communication id), or
 * why it cannot be sent at all ({@code unsendable}: its template could not be rendered; it fails without an attempt).
 */
record Delivery(UUID communicationId, int attempt, boolean ambiguousResend, Mail mail, SmsMessage sms,
                String unsendable) {

    Delivery(UUID communicationId, int attempt, boolean ambiguousResend, Mail mail) {
        this(communicationId, attempt, ambiguousResend, mail, null, null);
    }

    static Delivery unsendable(UUID communicationId, int attempt, boolean ambiguousResend, String why) {
        return new Delivery(communicationId, attempt, ambiguousResend, null, null, why);
    }
}
