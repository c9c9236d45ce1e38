package org.guestcrm.journey.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.vertx.ext.mail.SMTPException;

class DeliveryFailuresTest {

    private static SMTPException reply(int code, String text) {
        return new SMTPException("recipient address not accepted", code, List.of(code + " " + text), false);
    }

    @Test
    void a5xxReplyIsPermanentAndDescribedWithoutTheAddress() {
        SMTPException rejected = reply(550, "5.1.1 <anna@example.com>: mailbox unavailable");

        assertTrue(DeliveryFailures.isPermanent(rejected));
        String description = DeliveryFailures.describe(rejected);
        assertTrue(description.startsWith("SMTP 550"), description);
        assertTrue(description.contains("mailbox unavailable"), description);
        assertFalse(description.contains("anna@example.com"), description);
    }

    @Test
    void a4xxReplyIsTransient() {
        assertFalse(DeliveryFailures.isPermanent(reply(451, "4.3.0 try again later")));
        assertFalse(DeliveryFailures.isPermanent(reply(421, "4.7.0 too many connections")));
    }

    @Test
    void aWrappedSmtpReplyIsFound() {
        assertTrue(DeliveryFailures.isPermanent(new RuntimeException("send failed", reply(554, "5.7.1 refused"))));
    }

    @Test
    void connectionProblemsAndTimeoutsAreTransient() {
        assertFalse(DeliveryFailures.isPermanent(new ConnectException("Connection refused")));
        assertFalse(DeliveryFailures.isPermanent(new java.io.IOException("Connection reset by peer")));
        TimeoutException timeout = new TimeoutException();
        assertFalse(DeliveryFailures.isPermanent(timeout));
        assertEquals("no answer from the mail server in time", DeliveryFailures.describe(timeout));
        // The dispatcher's own send-timeout fails with Mutiny's TimeoutException (not a java.util.concurrent one).
        io.smallrye.mutiny.TimeoutException sendTimeout = new io.smallrye.mutiny.TimeoutException();
        assertFalse(DeliveryFailures.isPermanent(sendTimeout));
        assertEquals("no answer from the mail server in time", DeliveryFailures.describe(sendTimeout));
    }

    @Test
    void anAddressTheClientCannotParseIsPermanentAndNotEchoed() {
        IllegalArgumentException invalid = new IllegalArgumentException("invalid email address [anna.muster]");

        assertTrue(DeliveryFailures.isPermanent(invalid));
        assertEquals("invalid e-mail address", DeliveryFailures.describe(invalid));
        assertTrue(DeliveryFailures.isPermanent(
                new IllegalArgumentException("Unable to send an email, an email address is invalid")));
    }

    @Test
    void aPermanentRefusalOfTheRecipientIsAHardBounce() {
        assertTrue(DeliveryFailures.isHardBounce(reply(550, "5.1.1 <anna@example.com>: mailbox unavailable")));
        assertTrue(DeliveryFailures.isHardBounce(reply(550, "5.1.2 bad destination system address")));
        assertTrue(DeliveryFailures.isHardBounce(new RuntimeException("send failed", reply(553, "5.1.3 bad syntax"))));
    }

    @Test
    void otherRefusalsAreNoHardBounce() {
        assertFalse(DeliveryFailures.isHardBounce(reply(554, "5.7.1 relay access denied")), "policy, not the address");
        assertFalse(DeliveryFailures.isHardBounce(reply(550, "mailbox unavailable")), "no enhanced status code");
        assertFalse(DeliveryFailures.isHardBounce(reply(450, "4.1.1 mailbox busy")), "transient");
        assertFalse(DeliveryFailures.isHardBounce(new ConnectException("Connection refused")));
    }
}
