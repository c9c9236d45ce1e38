package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

class MailServerTest {

    @Test
    void sendsOverSmtpAndReadsBackOverImapWithTheDocumentedLogin() throws Exception {
        MailServer mail = Timing.timed("greenmail (shared, in-process)", MailServer::shared);
        mail.reset();
        String recipient = "guest-" + System.nanoTime() + "@example.test";

        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", mail.host());
        smtp.put("mail.smtp.port", String.valueOf(mail.smtpPort()));
        Session session = Session.getInstance(smtp);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@guest-crm.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        message.setSubject("Your stay is coming up");
        message.setText("See you soon.");
        Transport.send(message);

        List<MimeMessage> received = mail.waitForMessages(1, Duration.ofSeconds(10));
        assertEquals(1, received.size());
        assertEquals("Your stay is coming up", received.get(0).getSubject());

        Properties imap = new Properties();
        imap.put("mail.store.protocol", "imap");
        try (Store store = Session.getInstance(imap).getStore("imap")) {
            store.connect(mail.host(), mail.imapPort(), recipient, recipient); // login = password = address
            try (Folder inbox = store.getFolder("INBOX")) {
                inbox.open(Folder.READ_ONLY);
                Message[] messages = inbox.getMessages();
                assertEquals(1, messages.length);
                assertEquals("Your stay is coming up", messages[0].getSubject());
            }
        }

        mail.reset();
        assertEquals(0, mail.receivedMessages().size());
    }

    @Test
    void findsTheMessagesOfOneRecipientAmongOthersIncludingCopies() throws Exception {
        MailServer mail = MailServer.shared();
        mail.reset();
        String guest = "guest-" + System.nanoTime() + "@example.test";
        String other = "other-" + System.nanoTime() + "@example.test";
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", mail.host());
        smtp.put("mail.smtp.port", String.valueOf(mail.smtpPort()));
        Session session = Session.getInstance(smtp);
        send(session, "to the guest", guest, null);
        send(session, "to another", other, null);
        send(session, "copy to the guest", other, guest);
        mail.waitForMessages(4, Duration.ofSeconds(10)); // the copy is delivered to two mailboxes

        List<String> subjects = mail.messagesTo(guest).stream().map(m -> {
            try {
                return m.getSubject();
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().sorted().toList();
        assertEquals(List.of("copy to the guest", "to the guest"), subjects);
        assertEquals(0, mail.messagesTo("nobody@example.test").size());
        mail.reset();
    }

    private static void send(Session session, String subject, String to, String cc) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("noreply@guest-crm.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        if (cc != null) {
            message.setRecipient(Message.RecipientType.CC, new InternetAddress(cc));
        }
        message.setSubject(subject);
        message.setText("text");
        Transport.send(message);
    }
}
