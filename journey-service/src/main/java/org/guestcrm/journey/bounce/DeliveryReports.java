package org.guestcrm.journey.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.guestcrm.journey.domain.DeliveryFeedback;
import org.guestcrm.journey.domain.ErrorText;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * Reads a message of the bounce mailbox as a delivery status notification (RFC 3464: {@code multipart/report;
 * report-type=delivery-status}, a {@code message/delivery-status} part of per-message and per-recipient field blocks)
 * or a feedback report (RFC 5965: {@code report-type=feedback-report}, a {@code message/feedback-report} part), with
 * the returned original ({@code message/rfc822} or {@code text/rfc822-headers}) when it is there. What it returns names
 * where the message may be found (texts that may hold the VERP address, Message-IDs of the original) and what the
 * report says, with every address masked; anything else is {@link NotAReport} with a reason that holds no data of the
 * message.
 */
public final class DeliveryReports {

    /** A report read: its form, what it says (empty: no failure, no complaint) and where to look for the message. */
    public record Report(Form form, Optional<DeliveryFeedback.Kind> kind, String summary, List<String> verpCandidates,
                         List<String> messageIds) {
    }

    public enum Form { DSN, ARF }

    /** The message is not a report this reader understands; the reason names no address. */
    public static final class NotAReport extends Exception {
        public NotAReport(String reason) {
            super(reason);
        }
    }

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final List<String> ENVELOPE_HEADERS = List.of("X-Original-To", "Delivered-To", "Envelope-To", "To",
            "X-Envelope-To", "Return-Path");

    private DeliveryReports() {
    }

    public static Report read(byte[] raw) throws NotAReport {
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            ContentType type;
            try {
                type = new ContentType(message.getContentType() == null ? "text/plain" : message.getContentType());
            } catch (jakarta.mail.internet.ParseException e) {
                throw new NotAReport("unreadable Content-Type");
            }
            if (!type.match("multipart/report")) {
                throw new NotAReport("not a multipart/report (" + type.getBaseType().toLowerCase(Locale.ROOT) + ")");
            }
            String reportType = Optional.ofNullable(type.getParameter("report-type")).orElse("")
                    .toLowerCase(Locale.ROOT);
            if (!reportType.equals("delivery-status") && !reportType.equals("feedback-report")) {
                throw new NotAReport("report-type '" + safe(reportType) + "' is neither delivery-status nor "
                        + "feedback-report");
            }
            MimeMultipart parts = new MimeMultipart(new ByteArrayDataSource(message.getInputStream(),
                    message.getContentType()));
            List<String> verp = new ArrayList<>();
            List<String> messageIds = new ArrayList<>();
            for (String header : ENVELOPE_HEADERS) {
                addAll(verp, message.getHeader(header));
            }
            addAll(messageIds, message.getHeader("Original-Message-ID"));
            List<Map<String, String>> reportBlocks = null;
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                byte[] content = part.getInputStream().readAllBytes();
                if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")
                        || part.isMimeType("message/feedback-report")) {
                    reportBlocks = fieldBlocks(new String(content, StandardCharsets.UTF_8));
                } else if (part.isMimeType("message/rfc822") || part.isMimeType("message/global")
                        || part.isMimeType("text/rfc822-headers")) {
                    InternetHeaders original = new InternetHeaders(new ByteArrayInputStream(content));
                    addAll(messageIds, original.getHeader("Message-ID"));
                    addAll(verp, original.getHeader("Return-Path"));
                }
            }
            return reportType.equals("delivery-status") ? dsn(reportBlocks, verp, messageIds)
                    : complaint(reportBlocks, verp, messageIds);
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new NotAReport("unreadable MIME (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Report dsn(List<Map<String, String>> blocks, List<String> verp, List<String> messageIds)
            throws NotAReport {
        if (blocks == null) {
            throw new NotAReport("delivery-status report without a message/delivery-status part");
        }
        List<DeliveryFeedback.RecipientStatus> recipients = new ArrayList<>();
        String worstDiagnostic = null;
        String worstStatus = null;
        for (Map<String, String> block : blocks) {
            addIfPresent(messageIds, block.get("original-message-id"));
            if (!block.containsKey("action")) {
                continue;
            }
            var recipient = new DeliveryFeedback.RecipientStatus(block.get("action"), block.get("status"));
            if (!DeliveryFeedback.readable(recipient)) {
                continue;
            }
            recipients.add(recipient);
            if (DeliveryFeedback.ofRecipient(recipient).isPresent()) {
                if (worstStatus == null || DeliveryFeedback.ofRecipient(recipient)
                        .get() == DeliveryFeedback.Kind.HARD_BOUNCE) {
                    worstStatus = recipient.action().strip().toLowerCase(Locale.ROOT) + " "
                            + (recipient.status() == null ? "" : recipient.status().strip());
                    worstDiagnostic = block.get("diagnostic-code");
                }
            }
        }
        if (recipients.isEmpty()) {
            throw new NotAReport("delivery-status report without a recipient block (Action, Status)");
        }
        Optional<DeliveryFeedback.Kind> kind = DeliveryFeedback.ofDsn(recipients);
        String summary = kind.isEmpty() ? "no failure reported"
                : ErrorText.withoutPersonalData(worstStatus.strip()
                        + (worstDiagnostic == null ? "" : " (" + worstDiagnostic.strip() + ")"));
        return new Report(Form.DSN, kind, summary, verp, messageIds);
    }

    private static Report complaint(List<Map<String, String>> blocks, List<String> verp, List<String> messageIds)
            throws NotAReport {
        if (blocks == null || blocks.isEmpty()) {
            throw new NotAReport("feedback report without a message/feedback-report part");
        }
        Map<String, String> fields = blocks.getFirst();
        String type = fields.get("feedback-type");
        if (type == null || type.isBlank()) {
            throw new NotAReport("feedback report without Feedback-Type");
        }
        addIfPresent(verp, fields.get("original-mail-from"));
        addIfPresent(messageIds, fields.get("original-message-id"));
        Optional<DeliveryFeedback.Kind> kind = DeliveryFeedback.ofFeedbackType(type);
        String summary = "feedback-type " + safe(type.strip().toLowerCase(Locale.ROOT));
        return new Report(Form.ARF, kind, summary, verp, messageIds);
    }

    /**
     * The field blocks of a report part (RFC 3464 section 2.1: a per-message block, then one per recipient, separated
     * by blank lines); names lower-cased, folded lines unfolded; the first value of a name in a block kept.
     */
    static List<Map<String, String>> fieldBlocks(String text) {
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> block = new LinkedHashMap<>();
        String lastName = null;
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            if (line.isBlank()) {
                if (!block.isEmpty()) {
                    blocks.add(block);
                    block = new LinkedHashMap<>();
                }
                lastName = null;
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && lastName != null) {
                block.put(lastName, block.get(lastName) + " " + line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                lastName = null;
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            lastName = name;
            block.putIfAbsent(name, line.substring(colon + 1).strip());
        }
        if (!block.isEmpty()) {
            blocks.add(block);
        }
        return blocks;
    }

    private static void addAll(List<String> into, String[] values) {
        if (values != null) {
            for (String value : values) {
                addIfPresent(into, value);
            }
        }
    }

    private static void addIfPresent(List<String> into, String value) {
        if (value != null && !value.isBlank()) {
            into.add(value.strip());
        }
    }

    /** A report's own token (a report type, a feedback type) for a reason: short, letters, digits, dashes only. */
    private static String safe(String token) {
        String cleaned = token.replaceAll("[^a-z0-9._-]", "?");
        return cleaned.length() <= 40 ? cleaned : cleaned.substring(0, 40);
    }
}
