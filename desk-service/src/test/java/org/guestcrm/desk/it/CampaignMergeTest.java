package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.Money;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Campaign mails sent to a guest later merged into another (crm.guest-merges) count for the surviving guest's
 * bookings: the mails already held move to the survivor at the merge, and a mail the journey reports afterwards
 * under the merged-away id is attributed to the survivor too.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class CampaignMergeTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aCampaignMailToAGuestMergedAwayCountsForTheSurvivorsBooking() {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);
        String survivor = "g-gina-" + tenant;
        String mergedAway = "g-gina-dup-" + tenant;

        // The autumn mail went to the duplicate; gina (the survivor's profile) books an hour ago.
        campaign(tenant, mergedAway, "autumn", now.minus(Duration.ofDays(3)));
        LocalDate arrival = today.plusDays(60);
        Stay stay = new Stay(tenant, "BERLIN", "gina-" + tenant, "gina-" + tenant + "@example.com", arrival,
                arrival.plusDays(2));
        Instant booked = now.minus(Duration.ofHours(1));
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(), ReservationChanged.newBuilder(
                stay.snapshot(1, ReservationStatus.CONFIRMED, booked)).setCreatedAt(booked)
                .setTotalAmount(Money.newBuilder().setAmount(new BigDecimal("640.0000")).setCurrency("EUR").build())
                .build());
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), survivor,
                GuestLinkTest.guest(tenant, survivor, 1, "P-" + stay.reservationId()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> DocumentsTest.documents(stay).getList("kind").contains("CONFIRMATION")
                        && kpis(tenant, "&from=" + today.minusDays(60) + "&to=" + today.plusDays(2))
                                .getInt("group.communicationsSent") == 1);
        assertEquals(0, kpis(tenant, period).getInt("group.campaignRevenue.bookingsAttributed"),
                "before the merge the mail was another guest's");

        // The duplicate merged into gina: the autumn mail now counts for her booking.
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), survivor, GuestMerged.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId(survivor)
                .setMergedGuestIds(List.of(mergedAway))
                .setMovedSourceProfiles(List.of())
                .setDecidedBy(MergeDecision.REVIEWER)
                .build());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> kpis(tenant, period).getInt("group.campaignRevenue.bookingsAttributed") == 1);
        assertEquals(List.of(Map.of("campaignId", "autumn", "bookings", 1, "bookingsWithoutAmount", 0,
                        "revenue", List.of(Map.of("currency", "EUR", "amount", 640.0f)))),
                kpis(tenant, period).getList("group.campaignRevenue.campaigns"));

        // A later-reported mail (winter, two days ago) under the merged-away id: the survivor's, the latest touch.
        campaign(tenant, mergedAway, "winter", now.minus(Duration.ofDays(2)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> kpis(tenant, period)
                .<String>getList("group.campaignRevenue.campaigns.campaignId").equals(List.of("winter")));
        assertEquals(1, kpis(tenant, period).getInt("group.campaignRevenue.bookingsAttributed"));
    }

    private static JsonPath kpis(String tenant, String query) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static void campaign(String tenant, String guestId, String campaign, Instant sentAt) {
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), guestId, CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "CommunicationEvent"))
                        .setSource("journey-service").setOccurredAt(sentAt).build())
                .setCommunicationId(UUID.randomUUID())
                .setGuestId(guestId)
                .setHotelCode("BERLIN")
                .setStep("CAMPAIGN:" + campaign)
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(CommunicationStatus.SENT)
                .setTenantId(tenant)
                .build());
    }
}
