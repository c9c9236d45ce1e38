package org.guestcrm.journey.sms;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One text message: the recipient in E.164 ({@code +} and 8 to 15 digits), the text, and an idempotency key fixed
 * before the first attempt (the communication id), so a provider that honours it sends a retried message once.
 */
public record SmsMessage(String to, String body, String idempotencyKey) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{7,14}");

    public SmsMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** Whether {@link #to()} is an E.164 number; the gateway refuses anything else before calling the provider. */
    public boolean hasE164Recipient() {
        return E164.matcher(to).matches();
    }

    /** Never prints the number or the text. */
    @Override
    public String toString() {
        return "SmsMessage[" + idempotencyKey + "]";
    }
}
