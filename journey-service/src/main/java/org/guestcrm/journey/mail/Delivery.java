package org.guestcrm.journey.mail;

import java.util.UUID;

import io.quarkus.mailer.Mail;

/**
 * One claimed communication ready to go: its attempt number (counted by the claim), whether the previous claim ended
 * without an outcome (then this is an ambiguous re-send: the earlier attempt may have reached the server), and the mail
 * with its Message-ID fixed.
 */
record Delivery(UUID communicationId, int attempt, boolean ambiguousResend, Mail mail) {
}
