package org.guestcrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;


/**
 * The mail catcher's journal ({@link JournaledMailServer}): one tab-separated line per delivered mail and recipient.
 * No personal data: the recipient is kept as a SHA-256 prefix, never the address.
 */
final class MailJournal {

    /**
     * One delivery.
     *
     * @param receivedAtMillis when the mail catcher took it
     * @param messageId        the mail's Message-ID header ({@code -} when it had none)
     * @param communicationId  the journey's {@code X-GuestCRM-Communication-Id} header ({@code -} when none)
     * @param recipientHash    the first 16 hex digits of SHA-256 over the lower-cased recipient address
     */
    record Entry(long receivedAtMillis, String messageId, String communicationId, String recipientHash) {
    }

    private MailJournal() {
    }

    static String line(long receivedAtMillis, MimeMessage message, String recipient) {
        String communicationId;
        try {
            String header = message.getHeader("X-GuestCRM-Communication-Id", null);
            communicationId = header == null ? "-" : header.trim();
        } catch (MessagingException e) {
            communicationId = "-";
        }
        return receivedAtMillis + "\t" + clean(JournaledMailServer.messageId(message)) + "\t" + clean(communicationId)
                + "\t" + recipientHash(recipient);
    }

    static String recipientHash(String address) {
        return sha256Hex(address.trim().toLowerCase(Locale.ROOT)).substring(0, 16);
    }

    /** Every entry so far; an empty list when nothing was delivered yet. A torn last line is skipped. */
    static List<Entry> read(Path journal) {
        if (!Files.isRegularFile(journal)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t");
                if (fields.length == 4) {
                    try {
                        entries.add(new Entry(Long.parseLong(fields[0]), fields[1], fields[2], fields[3]));
                    } catch (NumberFormatException e) {
                        // a line torn by a crash mid-write: not a delivery the sender saw accepted
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String clean(String value) {
        return value.replaceAll("[\\t\\r\\n]", " ");
    }

    private static String sha256Hex(String value) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
