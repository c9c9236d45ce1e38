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
}
