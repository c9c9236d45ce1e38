package org.guestcrm.journey.bounce;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import java.util.UUID;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * The bounce mailbox read by the scheduler alone: the configured IMAP mailbox (GreenMail, {@link
 * ScheduledBounceReaderProfile}) is polled every second by {@code BounceMailboxReader.pollConfigured}; the test only
 * mails a confirmation, drops a DSN for it into the mailbox over SMTP and waits for the row to turn BOUNCED HARD and
 * the report to be recorded. Nothing here calls the reader.
 */
@QuarkusTest
@TestProfile(ScheduledBounceReaderProfile.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class ScheduledBounceReaderTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    EntityManager entityManager;

    @Test
    void aDsnDroppedIntoTheBounceMailboxIsAppliedByTheScheduledReader() throws Exception {
        Booking booking = Booking.unique("bounce-sched-");
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
        UUID id = UUID.fromString(last[0].getString("find { it.step == 'CONFIRMATION' }.id"));
        String verp = MailServer.shared().messagesTo(booking.email()).getFirst().getHeader("Return-Path")[0]
                .replaceAll("[<>\\s]", "");

        deliver(DeliveryReportsTest.dsn(verp, "failed", "5.1.1", "550 5.1.1 <" + booking.email() + ">: user unknown",
                "<" + id + "@journey.guestcrm.local>"));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertEquals(
                "BOUNCED HARD 1", statusOf(id), "the confirmation's status, bounce type and recorded reports"));
    }

    /** status, bounce_type and how many delivery reports were recorded for the message. */
    private String statusOf(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] row = (Object[]) entityManager.createNativeQuery(
                            "SELECT status, bounce_type FROM communication WHERE id = :id")
                    .setParameter("id", id).getSingleResult();
            long reports = ((Number) entityManager.createNativeQuery(
                            "SELECT count(*) FROM communication_feedback WHERE communication_id = :id")
                    .setParameter("id", id).getSingleResult()).longValue();
            return row[0] + " " + row[1] + " " + reports;
        });
    }

    /** Sends a report over SMTP into the bounce mailbox as the MTA's sub-addressing would (RCPT TO the mailbox). */
    private static void deliver(String report) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "localhost");
        properties.put("mail.smtp.port", String.valueOf(MailServer.shared().smtpPort()));
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(report.getBytes(StandardCharsets.UTF_8)));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, new Address[] {new InternetAddress(ScheduledBounceReaderProfile.BOX)});
        }
    }
}
