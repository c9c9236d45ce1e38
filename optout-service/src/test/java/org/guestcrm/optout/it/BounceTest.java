package org.guestcrm.optout.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Bounces and complaints from crm.communications through the real broker, registry and PostgreSQL: a hard bounce
 * withdraws every purpose of the channel, a complaint marketing, three soft bounces in a row act as hard (an open
 * between them starts the count again); each is written back to the PMS; an unusable bounce goes to the DLQ.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class BounceTest {

    @Inject
    AgroalDataSource dataSource;

    private static CommunicationEvent event(String tenant, String address, CommunicationStatus status, String bounceType) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("CommunicationEvent")
                        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("journey-service")
                        .setTenantId(tenant).setCorrelationId(UUID.randomUUID().toString()).build())
                .setCommunicationId(UUID.randomUUID())
                .setGuestId("guest-" + UUID.randomUUID())
                .setStep("CAMPAIGN:spring")
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(status)
                .setTenantId(tenant)
                .setContactPoint(address)
                .setBounceType(bounceType)
                .build();
    }

    private static void send(CommunicationEvent event) {
        KafkaTestClients.sendAvro("crm.communications", event.getGuestId(), event);
    }

    private int softBounces(String tenant, String address) throws Exception {
        try (var connection = dataSource.getConnection();
                var select = connection.prepareStatement(
                        "select consecutive from soft_bounce where tenant = ? and contact_point = ?")) {
            select.setString(1, tenant);
            select.setString(2, address);
            try (var row = select.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }
    }

    @Test
    void aHardBounceWithdrawsEveryPurposeOfTheChannelAndIsWrittenBack() {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "B-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, pmsProfileId);
        send(event(tenant, address, CommunicationStatus.SENT, null));
        send(event(tenant, address, CommunicationStatus.BOUNCED, "HARD"));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> PreferenceCentreTest.consents(tenant, address)
                .body("current.size()", equalTo(4))
                .body("current.status", everyItem(equalTo("WITHDRAWN")))
                .body("current.source", everyItem(equalTo("BOUNCE")))
                .body("history.sourceDetail", hasItem("hard-bounce"))
                .body("history.actor", hasItem("journey-service")));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
            ContactDetailsUpdated update = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                    .filter(r -> (tenant + ":opera:" + pmsProfileId).equals(r.key())).map(ConsumerRecord::value)
                    .filter(u -> u.getReason() == ContactUpdateReason.BOUNCE).findFirst().orElse(null);
            assertNotNull(update);
            assertEquals(Boolean.FALSE, update.getMarketingFlags().getEmailOptIn());
        });
    }

    @Test
    void aComplaintWithdrawsMarketingOnlyWithSourceComplaintAndIsWrittenBackAsAnOptOut() {
        String tenant = "tenant-" + UUID.randomUUID();
        String pmsProfileId = "C-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, pmsProfileId);
        send(event(tenant, address.toUpperCase(java.util.Locale.ROOT), CommunicationStatus.COMPLAINED, null));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> PreferenceCentreTest.consents(tenant, address)
                .body("current.size()", equalTo(1))
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].source", equalTo("COMPLAINT"))
                .body("history[1].source", equalTo("COMPLAINT"))
                .body("history[1].sourceDetail", equalTo("complaint")));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + address).equals(r.key())).map(ConsumerRecord::value)
                    .filter(c -> c.getStatus() == org.guestcrm.events.ConsentStatus.WITHDRAWN).findFirst().orElse(null);
            assertNotNull(changed, "the complaint is on crm.consents");
            assertEquals(org.guestcrm.events.ConsentSource.COMPLAINT, changed.getSource());
            ContactDetailsUpdated update = KafkaTestClients.<ContactDetailsUpdated>readAvro("crm.contact-updates").stream()
                    .filter(r -> (tenant + ":opera:" + pmsProfileId).equals(r.key())).map(ConsumerRecord::value)
                    .findFirst().orElse(null);
            assertNotNull(update, "the complaint is written back to the PMS profile");
            assertEquals(ContactUpdateReason.OPT_OUT, update.getReason());
            assertEquals(Boolean.FALSE, update.getMarketingFlags().getEmailOptIn());
        });
    }

    @Test
    void threeSoftBouncesInARowActAsHardAndAnOpenStartsTheCountAgain() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, "S-" + UUID.randomUUID());
        send(event(tenant, address, CommunicationStatus.BOUNCED, "SOFT"));
        send(event(tenant, address, CommunicationStatus.BOUNCED, "SOFT"));
        await().atMost(PreferenceCentreTest.PATIENCE).until(() -> softBounces(tenant, address) == 2);
        PreferenceCentreTest.consents(tenant, address).body("current[0].status", equalTo("GRANTED"));
        send(event(tenant, address, CommunicationStatus.OPENED, null));
        await().atMost(PreferenceCentreTest.PATIENCE).until(() -> softBounces(tenant, address) == 0);
        send(event(tenant, address, CommunicationStatus.BOUNCED, "SOFT"));
        send(event(tenant, address, CommunicationStatus.BOUNCED, "SOFT"));
        await().atMost(PreferenceCentreTest.PATIENCE).until(() -> softBounces(tenant, address) == 2);
        PreferenceCentreTest.consents(tenant, address).body("current[0].status", equalTo("GRANTED"));
        send(event(tenant, address, CommunicationStatus.BOUNCED, "SOFT"));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> PreferenceCentreTest.consents(tenant, address)
                .body("current.find { it.purpose == 'MARKETING' }.status", equalTo("WITHDRAWN"))
                .body("history.sourceDetail", hasItem("soft-bounces:3")));
        assertEquals(0, softBounces(tenant, address));
    }

    @Test
    void aBounceWithoutContactPointIsDeadLetteredWithItsReasonAndTheNextIsApplied() {
        String tenant = "tenant-" + UUID.randomUUID();
        String address = PreferenceCentreTest.subscribed(tenant, "D-" + UUID.randomUUID());
        CommunicationEvent unusable = event(tenant, null, CommunicationStatus.BOUNCED, "HARD");
        send(unusable);
        send(event(tenant, address, CommunicationStatus.BOUNCED, "MAYBE"));
        send(event(tenant, address, CommunicationStatus.COMPLAINED, null));
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("crm.communications.dlq").stream()
                    .filter(r -> unusable.getGuestId().equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the unusable bounce is on crm.communications.dlq");
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("contactPoint"), reason);
        });
        await().atMost(PreferenceCentreTest.PATIENCE).untilAsserted(() -> PreferenceCentreTest.consents(tenant, address)
                .body("current[0].status", equalTo("WITHDRAWN")).body("history[1].sourceDetail", equalTo("complaint")));
        // The bounce type that is neither HARD nor SOFT went to the DLQ too, naming the field (never a value).
        assertTrue(KafkaTestClients.readRaw("crm.communications.dlq").stream()
                .filter(r -> r.headers().lastHeader("dead-letter-reason") != null)
                .map(r -> new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .anyMatch(reason -> reason.contains("bounceType")));
    }
}
