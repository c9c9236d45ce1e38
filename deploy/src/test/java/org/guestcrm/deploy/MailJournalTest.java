package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

class MailJournalTest {

    @Test
    void aLineKeepsTheIdsAndOnlyAHashOfTheRecipient(@TempDir Path directory) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setText("hello");
        message.setHeader("X-GuestCRM-Communication-Id", "c0ffee00-0000-4000-8000-000000000001");
        message.saveChanges();
        message.setHeader("Message-ID", "<c0ffee00-0000-4000-8000-000000000001@guestcrm.local>");
        String line = MailJournal.line(42, message, "Guest.One@Example.com");
        assertFalse(line.toLowerCase().contains("example.com"), line);

        Path journal = directory.resolve("journal.tsv");
        Files.writeString(journal, line + "\n" + "17\ttorn", StandardCharsets.UTF_8);
        List<MailJournal.Entry> entries = MailJournal.read(journal);
        assertEquals(List.of(new MailJournal.Entry(42, "<c0ffee00-0000-4000-8000-000000000001@guestcrm.local>",
                "c0ffee00-0000-4000-8000-000000000001", MailJournal.recipientHash("guest.one@example.com"))), entries);
        assertEquals(List.of(), MailJournal.read(directory.resolve("none.tsv")));
    }

    @Test
    void chaosOptionsAreBounded() {
        ChaosRun.Options options = Crm.chaosOptions(List.of("--minutes", "2", "--rate", "4"));
        assertEquals(Duration.ofMinutes(2), options.duration());
        assertEquals(4.0, options.ratePerSecond());
        assertEquals(ChaosRun.ALL_FAULTS, options.faults());
        assertEquals(Duration.ofSeconds(90), Crm.chaosOptions(List.of("--seconds", "90")).duration());
        assertThrows(StackException.class, () -> Crm.chaosOptions(List.of("--rate", "0")));
        assertThrows(StackException.class, () -> Crm.chaosOptions(List.of("--minutes", "1000")));
        assertThrows(StackException.class, () -> Crm.chaosOptions(List.of("--rate")));
        assertEquals(ChaosRun.ALL_FAULTS, Crm.chaosOptions(List.of()).faults());
        assertEquals(List.of(ChaosRun.Fault.POSTGRES_PAUSE, ChaosRun.Fault.KILL_DESK),
                Crm.chaosOptions(List.of("--faults", "postgres_pause, KILL_DESK")).faults());
        StackException unknown = assertThrows(StackException.class, () -> Crm.chaosOptions(List.of("--faults", "kill_kafka")));
        assertTrue(unknown.getMessage().contains("kill_kafka") && unknown.getMessage().contains("postgres_pause"),
                unknown.getMessage());
    }

    @Test
    void aStoppingCatcherRefusesNewMailWith451BeforeJournalingIt(@TempDir Path directory) throws Exception {
        JournaledMailServer.acceptAgain();
        Path journal = directory.resolve("journal.tsv");
        try (org.guestcrm.testsupport.MailServer server = org.guestcrm.testsupport.MailServer.start(0, 0)) {
            JournaledMailServer.journalDeliveries(server, journal);
            Properties properties = new Properties();
            properties.put("mail.smtp.host", "127.0.0.1");
            properties.put("mail.smtp.port", String.valueOf(server.smtpPort()));
            Session session = Session.getInstance(properties);
            jakarta.mail.Transport.send(mail(session, 1));
            assertEquals(1, MailJournal.read(journal).size());

            JournaledMailServer.drain(Duration.ofSeconds(1));
            jakarta.mail.MessagingException refused = assertThrows(jakarta.mail.MessagingException.class,
                    () -> jakarta.mail.Transport.send(mail(session, 2)));
            org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(refused.getMessage()).contains("451")
                    || String.valueOf(refused.getNextException()).contains("451"), refused::toString);
            assertEquals(1, MailJournal.read(journal).size(), "a refused mail must not be journaled");
        } finally {
            JournaledMailServer.acceptAgain();
        }
    }

    @Test
    void theCatcherKeepsTheLatestRecipientsMailboxesAndJournalsEveryMail(@TempDir Path directory) throws Exception {
        JournaledMailServer.acceptAgain();
        Path journal = directory.resolve("journal.tsv");
        try (org.guestcrm.testsupport.MailServer server = org.guestcrm.testsupport.MailServer.start(0, 0)) {
            JournaledMailServer.journalDeliveries(server, journal, 3);
            Properties properties = new Properties();
            properties.put("mail.smtp.host", "127.0.0.1");
            properties.put("mail.smtp.port", String.valueOf(server.smtpPort()));
            Session session = Session.getInstance(properties);
            for (int n = 1; n <= 5; n++) {
                jakarta.mail.Transport.send(mail(session, n));
            }
            jakarta.mail.Transport.send(mail(session, 5)); // a known recipient: no mailbox dropped for it
            assertEquals(6, MailJournal.read(journal).size(), "the journal keeps every delivery");
            com.icegreen.greenmail.user.UserManager users = server.greenMail().getUserManager();
            assertEquals(List.of("guest3@example.invalid", "guest4@example.invalid", "guest5@example.invalid"),
                    users.listUser().stream().map(u -> u.getEmail()).sorted().toList());
            assertEquals(2, server.greenMail().getReceivedMessagesForDomain("guest5@example.invalid").length);
            assertEquals(0, server.greenMail().getReceivedMessagesForDomain("guest1@example.invalid").length);

            jakarta.mail.Transport.send(mail(session, 1)); // a dropped recipient gets a new mailbox, the oldest goes
            assertEquals(List.of("guest1@example.invalid", "guest4@example.invalid", "guest5@example.invalid"),
                    users.listUser().stream().map(u -> u.getEmail()).sorted().toList());
            assertEquals(1, server.greenMail().getReceivedMessagesForDomain("guest1@example.invalid").length);
        }
    }

    private static MimeMessage mail(Session session, int n) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom("crm@example.invalid");
        message.setRecipients(jakarta.mail.Message.RecipientType.TO, "guest" + n + "@example.invalid");
        message.setText("hello " + n);
        message.saveChanges();
        message.setHeader("Message-ID", "<c0ffee00-0000-4000-8000-00000000000" + n + "@guestcrm.local>");
        return message;
    }
}
