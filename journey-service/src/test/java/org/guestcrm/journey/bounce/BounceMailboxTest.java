package org.guestcrm.journey.bounce;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.journey.tracking.Engagements;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Bounces after acceptance and complaints end to end (issue 9): confirmations mailed through the real GreenMail carry
 * a VERP envelope sender; DSNs and an ARF report written after RFC 3464 / RFC 5965 are sent over SMTP into the bounce
 * mailbox, read over IMAP by {@link BounceMailboxReader}, recorded in PostgreSQL and published on crm.communications.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class BounceMailboxTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BOX = "bounces@bounces.guestcrm.test";

    @Inject
    BounceMailboxReader reader;
    @Inject
    Engagements engagements;
    @Inject
    EntityManager entityManager;

    @Test
    void dsnsAndComplaintsAreRecordedOncePerMessageAndKindAndTheRestIsSetAside() throws Exception {
        Booking hard = Booking.unique("bounce-hard-");
        Booking soft = Booking.unique("bounce-soft-");
        Booking complaint = Booking.unique("bounce-abuse-");
        UUID hardId = confirmationMailed(hard);
        UUID softId = confirmationMailed(soft);
        UUID complaintId = confirmationMailed(complaint);

        // The envelope sender names the message, not the guest.
        MimeMessage mailed = MailServer.shared().messagesTo(hard.email()).getFirst();
        String returnPath = mailed.getHeader("Return-Path")[0];
        String hardVerp = returnPath.replaceAll("[<>\\s]", "");
        assertTrue(hardVerp.matches("bounces\\+[0-9a-f]{44}@bounces\\.guestcrm\\.test"), returnPath);
        assertFalse(hardVerp.contains(hard.email().substring(0, hard.email().indexOf('@'))), hardVerp);
        String complaintVerp = MailServer.shared().messagesTo(complaint.email()).getFirst().getHeader("Return-Path")[0]
                .replaceAll("[<>\\s]", "");

        String hardDsn = DeliveryReportsTest.dsn(hardVerp, "failed", "5.1.1",
                "550 5.1.1 <" + hard.email() + ">: user unknown", "<" + hardId + "@journey.guestcrm.local>");
        // No VERP address in it (a provider that drops it): found by the original's Message-ID.
        String softDsn = DeliveryReportsTest.dsn(BOX, "delayed", "4.2.2", "452 4.2.2 mailbox full",
                "<" + softId + "@journey.guestcrm.local>");
        String unknownDsn = DeliveryReportsTest.dsn(verpOfUnknownMessage(hardVerp), "failed", "5.1.1", null,
                "<not-ours@example.org>");
        String garbage = "From: someone@example.org\r\nTo: " + BOX + "\r\nSubject: out of office\r\nMessage-ID: <ooo-"
                + UUID.randomUUID() + "@example.org>\r\n\r\nI am away until Monday.\r\n";
        for (String report : List.of(hardDsn, softDsn, unknownDsn, garbage)) {
            deliver(report);
        }
        BounceMailboxReader.Poll first = poll(4);
        assertEquals(2, first.count(DeliveryReportLedger.Outcome.RECORDED), first.toString());
        assertEquals(2, first.count(DeliveryReportLedger.Outcome.SET_ASIDE), first.toString());

        Object[] hardRow = row(hardId);
        assertEquals("BOUNCED", hardRow[0]);
        assertEquals("HARD", hardRow[1]);
        assertTrue(((String) hardRow[2]).startsWith("bounced after acceptance: failed 5.1.1 (smtp; 550 5.1.1 <<e-mail>>"),
                (String) hardRow[2]);
        assertFalse(((String) hardRow[2]).contains(hard.email()));
        Object[] softRow = row(softId);
        assertEquals("BOUNCED", softRow[0]);
        assertEquals("SOFT", softRow[1]);
        CommunicationEvent hardEvent = event(hardId, CommunicationStatus.BOUNCED);
        assertEquals("HARD", hardEvent.getBounceType());
        assertEquals(hard.email(), hardEvent.getContactPoint());
        assertEquals(hard.tenant(), hardEvent.getTenantId());
        assertTrue(hardEvent.getReason().startsWith("bounced after acceptance"));
        assertEquals("SOFT", event(softId, CommunicationStatus.BOUNCED).getBounceType());
        assertEquals(List.of("names no known message", "not a delivery report: not a multipart/report (text/plain)"),
                setAsideReasons());

        // Read again (the same report delivered twice), another DSN for the same message, and a complaint.
        deliver(hardDsn);
        deliver(DeliveryReportsTest.dsn(hardVerp, "failed", "5.1.2", null, "<x@y>"));
        deliver(DeliveryReportsTest.arf(complaintVerp, "abuse"));
        BounceMailboxReader.Poll second = poll(3);
        assertEquals(2, second.count(DeliveryReportLedger.Outcome.NOTHING_NEW), second.toString());
        assertEquals(1, second.count(DeliveryReportLedger.Outcome.RECORDED), second.toString());
        assertEquals("COMPLAINED", row(complaintId)[0]);
        CommunicationEvent complained = event(complaintId, CommunicationStatus.COMPLAINED);
        assertEquals(complaint.email(), complained.getContactPoint());
        assertEquals(1, events(hardId, CommunicationStatus.BOUNCED).size(), "one BOUNCED event per message and kind");
        assertEquals(0, folderCount("INBOX"), "every report is gone from the inbox");
        assertEquals(2, folderCount("set-aside"), "the garbage and the unknown message's DSN are kept aside");

        // A later open (the tracking pixel) does not undo the bounce.
        engagements.opened(hard.tenant(), hardId, Instant.now());
        assertEquals("BOUNCED", row(hardId)[0]);
        assertEquals(0, poll(0).outcomes().size(), "nothing left to read");
    }

    private UUID confirmationMailed(Booking booking) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            last[0] = response.statusCode() == 200 ? response.jsonPath() : null;
            return last[0] != null && "SENT".equals(last[0].getString("find { it.step == 'CONFIRMATION' }.status"))
                    && !MailServer.shared().messagesTo(booking.email()).isEmpty();
        });
        return UUID.fromString(last[0].getString("find { it.step == 'CONFIRMATION' }.id"));
    }

    /** A VERP address of this service for a message that does not exist (its MAC is valid). */
    private static String verpOfUnknownMessage(String someVerp) {
        return org.guestcrm.journey.bounce.BounceMailboxReader.verpOf(
                io.quarkus.arc.Arc.container().instance(org.guestcrm.journey.config.JourneyConfig.class).get())
                .orElseThrow().addressOf(UUID.randomUUID());
    }

    /** Sends a report over SMTP into the bounce mailbox as the MTA's sub-addressing would (RCPT TO the mailbox). */
    private static void deliver(String report) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "localhost");
        properties.put("mail.smtp.port", String.valueOf(MailServer.shared().smtpPort()));
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session,
                new ByteArrayInputStream(report.getBytes(StandardCharsets.UTF_8)));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            // sendMessage, not Transport.send: no saveChanges, so the report keeps its own Message-ID.
            transport.sendMessage(message, new Address[] {new InternetAddress(BOX)});
        }
    }

    private BounceMailboxReader.Poll poll(int expectedInBox) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> folderCount("INBOX") >= expectedInBox);
        return reader.poll(new BounceMailboxReader.Mailbox("localhost", MailServer.shared().imapPort(), false, BOX, BOX,
                "INBOX", "set-aside", Duration.ofSeconds(10)));
    }

    /** Messages in a folder of the bounce mailbox, read over IMAP (0 before the mailbox exists). */
    private static int folderCount(String name) {
        try {
            Session session = Session.getInstance(new Properties());
            try (jakarta.mail.Store store = session.getStore("imap")) {
                store.connect("localhost", MailServer.shared().imapPort(), BOX, BOX);
                jakarta.mail.Folder folder = store.getFolder(name);
                if (!folder.exists()) {
                    return 0;
                }
                folder.open(jakarta.mail.Folder.READ_ONLY);
                int count = folder.getMessageCount();
                folder.close(false);
                return count;
            }
        } catch (jakarta.mail.AuthenticationFailedException e) {
            return 0;
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object[] row(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery(
                        "SELECT status, bounce_type, reason FROM communication WHERE id = :id")
                .setParameter("id", id).getSingleResult());
    }

    @SuppressWarnings("unchecked")
    private List<String> setAsideReasons() {
        return QuarkusTransaction.requiringNew().call(() -> (List<String>) entityManager.createNativeQuery(
                        "SELECT reason FROM delivery_report WHERE outcome = 'SET_ASIDE' ORDER BY reason")
                .getResultList());
    }

    private static CommunicationEvent event(UUID id, CommunicationStatus status) {
        return KafkaTestClients.<CommunicationEvent>awaitAvroRecords(Topic.CRM_COMMUNICATIONS.topicName(),
                (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && r.value().getCommunicationId().toString().equals(id.toString())
                        && r.value().getStatus() == status, 1, WAIT).getFirst().value();
    }

    private static List<ConsumerRecord<String, CommunicationEvent>> events(UUID id, CommunicationStatus status) {
        return KafkaTestClients.<CommunicationEvent>readAvro(Topic.CRM_COMMUNICATIONS.topicName()).stream()
                .filter(r -> r.value() != null && r.value().getCommunicationId().toString().equals(id.toString())
                        && r.value().getStatus() == status).toList();
    }
}
