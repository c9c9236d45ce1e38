package org.guestcrm.journey.sms;

/**
 * Sends one text message to an E.164 number through a provider. Called outside any transaction (like the SMTP
 * exchange); never throws for a delivery failure: the outcome says whether it was accepted, refused for good or worth
 * another attempt.
 */
public interface SmsSender {

    SmsOutcome send(SmsMessage message);
}
