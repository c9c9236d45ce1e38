package org.guestcrm.journey.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.journey.domain.DeliveryFeedback;
import org.junit.jupiter.api.Test;

/** DSN and ARF texts written for these tests after RFC 3464 and RFC 5965; VERP tokens; no server. */
class DeliveryReportsTest {

    private static final VerpAddresses VERP = new VerpAddresses("bounces", "bounces.example",
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
            List.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));

    static String dsn(String to, String action, String status, String diagnostic, String originalMessageId) {
        return "From: Mail Delivery System <mailer-daemon@mx.example.net>\r\n"
                + "To: " + to + "\r\n"
                + "Subject: Undelivered Mail Returned to Sender\r\n"
                + "Message-ID: <dsn-" + UUID.randomUUID() + "@mx.example.net>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
                + "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
                + "Reporting-MTA: dns; mx.example.net\r\nArrival-Date: Thu, 3 Dec 2026 21:40:00 +0000\r\n\r\n"
                + "Final-Recipient: rfc822; anna.guest@example.org\r\nAction: " + action + "\r\nStatus: " + status
                + "\r\n" + (diagnostic == null ? "" : "Diagnostic-Code: smtp; " + diagnostic + "\r\n") + "\r\n"
                + "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                + "From: Hotel <reservations@guestcrm.local>\r\nTo: anna.guest@example.org\r\n"
                + "Message-ID: " + originalMessageId + "\r\nSubject: Your stay\r\n\r\n"
                + "--b1--\r\n";
    }

    static String arf(String originalMailFrom, String feedbackType) {
        return "From: Feedback Loop <fbl@isp.example>\r\nTo: bounces@bounces.example\r\n"
                + "Subject: Abuse report\r\nMessage-ID: <arf-" + UUID.randomUUID() + "@isp.example>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"b2\"\r\n\r\n"
                + "--b2\r\nContent-Type: text/plain\r\n\r\nA user of ours marked this message as spam.\r\n"
                + "--b2\r\nContent-Type: message/feedback-report\r\n\r\n"
                + "Feedback-Type: " + feedbackType + "\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\n"
                + "Original-Mail-From: <" + originalMailFrom + ">\r\nOriginal-Rcpt-To: <anna.guest@example.org>\r\n"
                + "Arrival-Date: Thu, 3 Dec 2026 21:40:00 +0000\r\n\r\n"
                + "--b2\r\nContent-Type: message/rfc822\r\n\r\n"
                + "From: Hotel <reservations@guestcrm.local>\r\nTo: anna.guest@example.org\r\nSubject: Offer\r\n"
                + "Message-ID: <not-ours@example.org>\r\n\r\nHello\r\n"
                + "--b2--\r\n";
    }

    @Test
    void aVerpAddressNamesItsMessageOnlyWithAValidMac() {
        UUID id = UUID.randomUUID();
        String address = VERP.addressOf(id);
        assertTrue(address.matches("bounces\\+[0-9a-f]{44}@bounces\\.example"), address);
        assertTrue(address.length() - "@bounces.example".length() <= 64);
        assertEquals(Optional.of(id), VERP.messageIn("To: <" + address.toUpperCase() + ">"));
        String forged = address.replaceFirst("\\+([0-9a-f])", "+" + (address.charAt(8) == '0' ? '1' : '0'));
        assertEquals(Optional.empty(), VERP.messageIn(forged));
        assertEquals(Optional.empty(), VERP.messageIn("bounces@bounces.example"));
    }

    @Test
    void aDsnIsReadPerRecipientAndItsAddressesMasked() throws Exception {
        var hard = DeliveryReports.read(dsn("bounces+x@bounces.example", "failed", "5.1.1",
                "550 5.1.1 <anna.guest@example.org>: user unknown", "<a@b>").getBytes(StandardCharsets.UTF_8));
        assertEquals(DeliveryReports.Form.DSN, hard.form());
        assertEquals(Optional.of(DeliveryFeedback.Kind.HARD_BOUNCE), hard.kind());
        assertFalse(hard.summary().contains("anna.guest"), hard.summary());
        assertTrue(hard.summary().startsWith("failed 5.1.1 (smtp; 550 5.1.1 <<e-mail>>"), hard.summary());
        assertTrue(hard.messageIds().contains("<a@b>"));
        assertEquals(Optional.of(DeliveryFeedback.Kind.SOFT_BOUNCE), DeliveryReports.read(dsn("x", "failed", "4.2.2",
                null, "<a@b>").getBytes(StandardCharsets.UTF_8)).kind());
        assertEquals(Optional.of(DeliveryFeedback.Kind.SOFT_BOUNCE), DeliveryReports.read(dsn("x", "delayed", "4.4.7",
                null, "<a@b>").getBytes(StandardCharsets.UTF_8)).kind());
        assertEquals(Optional.empty(), DeliveryReports.read(dsn("x", "delivered", "2.0.0", null, "<a@b>")
                .getBytes(StandardCharsets.UTF_8)).kind());
    }

    @Test
    void aFeedbackReportOfTypeAbuseIsAComplaintAndNamesItsEnvelopeSender() throws Exception {
        var report = DeliveryReports.read(arf("bounces+abc@bounces.example", "abuse").getBytes(StandardCharsets.UTF_8));
        assertEquals(DeliveryReports.Form.ARF, report.form());
        assertEquals(Optional.of(DeliveryFeedback.Kind.COMPLAINT), report.kind());
        assertTrue(report.verpCandidates().contains("<bounces+abc@bounces.example>"), report.verpCandidates().toString());
        assertEquals(Optional.empty(), DeliveryReports.read(arf("x@y", "not-spam").getBytes(StandardCharsets.UTF_8))
                .kind());
    }

    @Test
    void anythingElseIsNotAReportWithAReasonWithoutItsData() {
        var plain = assertThrows(DeliveryReports.NotAReport.class, () -> DeliveryReports.read(
                "From: anna.guest@example.org\r\nSubject: hi\r\n\r\nI am on holiday\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("not a multipart/report (text/plain)", plain.getMessage());
        var noRecipient = assertThrows(DeliveryReports.NotAReport.class, () -> DeliveryReports.read(
                dsn("x", "", "", null, "<a@b>").getBytes(StandardCharsets.UTF_8)));
        assertEquals("delivery-status report without a recipient block (Action, Status)", noRecipient.getMessage());
    }
}
