package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
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
 * Revenue attributed to campaigns, from the real topics: golden guests (crm.guests) list the PMS profiles of their
 * bookings (pms.reservations, with their totals); campaign mails SENT to those guests (crm.communications, step
 * CAMPAIGN:&lt;id&gt;). A booking made within 30 days after a campaign mail counts for the latest such campaign;
 * one before the mail, one after the window, a cancelled one, and a guest never mailed count for none.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class CampaignRevenueTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void bookingsAfterACampaignMailCountForTheLatestCampaignWithinTheWindow() {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);

        // Campaign mails: anna spring 10 days ago and summer 2 days ago; bert spring 40 days ago (outside the window);
        // dora spring 5 days ago; erin spring 2 hours ago (after she booked); frank spring a day ago; carl none.
        campaign(tenant, "anna", "spring", now.minus(Duration.ofDays(10)));
        campaign(tenant, "anna", "summer", now.minus(Duration.ofDays(2)));
        campaign(tenant, "bert", "spring", now.minus(Duration.ofDays(40)));
        campaign(tenant, "dora", "spring", now.minus(Duration.ofDays(5)));
        campaign(tenant, "erin", "spring", now.minus(Duration.ofHours(2)));
        campaign(tenant, "frank", "spring", now.minus(Duration.ofDays(1)));
        // A campaign mail that bounced is no touch.
        CommunicationEvent bounced = CommunicationEvent.newBuilder(event(tenant, "carl", "spring", now.minus(Duration.ofDays(3))))
                .setStatus(CommunicationStatus.BOUNCED).build();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), "g-carl-" + tenant, bounced);

        Instant booked = now.minus(Duration.ofHours(1));
        List<Stay> stays = List.of(
                book(tenant, "anna", "BERLIN", ReservationStatus.CONFIRMED, booked, "1200.0000", "EUR"),
                book(tenant, "anna2", "BERLIN", ReservationStatus.CONFIRMED, booked, "500.0000", "EUR"),
                book(tenant, "bert", "MUNICH", ReservationStatus.CONFIRMED, booked, "300.0000", "EUR"),
                book(tenant, "dora", "MUNICH", ReservationStatus.CONFIRMED, booked, null, null),
                book(tenant, "erin", "MUNICH", ReservationStatus.CONFIRMED, now.minus(Duration.ofHours(5)), "90.0000", "EUR"),
                book(tenant, "frank", "BERLIN", ReservationStatus.CONFIRMED, booked, "250.5000", "CHF"),
                book(tenant, "carl", "BERLIN", ReservationStatus.CONFIRMED, booked, "80.0000", "EUR"));
        // Anna's second booking cancelled (a later snapshot).
        Stay cancelled = stays.get(1);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), cancelled.key(), ReservationChanged.newBuilder(
                cancelled.snapshot(2, ReservationStatus.CANCELLED, now)).setCreatedAt(booked).build());
        // The golden guests and their PMS profiles (anna's second booking is hers too).
        for (String who : List.of("anna", "bert", "dora", "erin", "frank", "carl")) {
            List<String> profiles = who.equals("anna") ? List.of("P-anna-" + tenant, "P-anna2-" + tenant)
                    : List.of("P-" + who + "-" + tenant);
            KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), "g-" + who + "-" + tenant,
                    GuestLinkTest.guest(tenant, "g-" + who + "-" + tenant, 1, profiles.toArray(String[]::new)));
        }

        // Everything through the intake: every booking held (its documents), every campaign mail counted (a
        // 60-day period's messages: 6 sent, 1 bounced), the attributed bookings found.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> DocumentsTest.documents(cancelled).getList("state").stream().allMatch("NOT_OWED"::equals)
                        && !DocumentsTest.documents(cancelled).getList("state").isEmpty());
        for (Stay stay : stays) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> DocumentsTest.documents(stay).getList("kind").contains("CONFIRMATION"));
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonPath wide = kpis(tenant, "&from=" + today.minusDays(60) + "&to=" + today.plusDays(2));
            return wide.getInt("group.communicationsSent") == 6 && wide.getInt("group.communicationsBounced") == 1
                    && wide.getInt("group.campaignRevenue.bookingsAttributed") == 3;
        });
        JsonPath k = kpis(tenant, period);

        // The group: anna's 1200 EUR for summer (the latest mail), frank's 250.50 CHF and dora's booking without a
        // total for spring; bert (mailed 40 days before), erin (mailed after booking), carl (bounced), the cancelled
        // booking: none.
        assertEquals(Map.of("windowDays", 30, "bookingsAttributed", 3, "bookingsWithoutAmount", 1,
                "revenue", List.of(Map.of("currency", "CHF", "amount", 250.5f), Map.of("currency", "EUR", "amount", 1200.0f)),
                "campaigns", List.of(
                        Map.of("campaignId", "spring", "bookings", 2, "bookingsWithoutAmount", 1,
                                "revenue", List.of(Map.of("currency", "CHF", "amount", 250.5f))),
                        Map.of("campaignId", "summer", "bookings", 1, "bookingsWithoutAmount", 0,
                                "revenue", List.of(Map.of("currency", "EUR", "amount", 1200.0f))))),
                k.getMap("group.campaignRevenue"));
        assertEquals(List.of("BERLIN", "MUNICH"), k.getList("hotels.hotelCode"));
        assertEquals(2, k.getInt("hotels[0].campaignRevenue.bookingsAttributed"));
        assertEquals(List.of(Map.of("currency", "CHF", "amount", 250.5f), Map.of("currency", "EUR", "amount", 1200.0f)),
                k.getList("hotels[0].campaignRevenue.revenue"));
        assertEquals(1, k.getInt("hotels[1].campaignRevenue.bookingsAttributed"));
        assertEquals(1, k.getInt("hotels[1].campaignRevenue.bookingsWithoutAmount"));
        assertEquals(List.of(), k.getList("hotels[1].campaignRevenue.revenue"));
        // One hotel asked for: its bookings only.
        assertEquals(1, kpis(tenant, period + "&hotel=MUNICH").getInt("group.campaignRevenue.bookingsAttributed"));
        // An earlier period: the bookings are not in it.
        assertEquals(0, kpis(tenant, "&from=" + today.minusDays(20) + "&to=" + today.minusDays(10))
                .getInt("group.campaignRevenue.bookingsAttributed"));

        // CSV: a revenue column per currency (the amounts as they were booked, never converted).
        String csv = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + period + "&format=csv")
                .then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> group = Arrays.asList(lines[1].split(",", -1));
        List<String> munich = Arrays.asList(lines[3].split(",", -1));
        assertEquals("3", group.get(header.indexOf("campaignBookings")));
        assertEquals("1200.00", group.get(header.indexOf("campaignRevenue:EUR")));
        assertEquals("250.50", group.get(header.indexOf("campaignRevenue:CHF")));
        assertEquals("30", group.get(header.indexOf("campaignAttributionWindowDays")));
        assertEquals("", munich.get(header.indexOf("campaignRevenue:EUR")));
        assertEquals("1", munich.get(header.indexOf("campaignBookingsWithoutAmount")));

        // The page: the figure and the revenue table.
        String page = given().auth().oauth2(Staff.token(Set.of(tenant), "v", Roles.VIEWER))
                .get("/desk/kpis?tenant=" + tenant + period).then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-figure=\"campaignBookings\">3<"), page);
        assertTrue(page.contains("<tr data-scope=\"group\" data-campaign=\"summer\" data-currency=\"EUR\"><th scope=\"row\">group</th>"
                + "<td>summer</td><td data-figure=\"bookings\">1</td><td>EUR</td><td data-figure=\"revenue\">1200.00</td></tr>"), page);
        assertTrue(page.contains("at most 30 days before"), page);
    }

    private static JsonPath kpis(String tenant, String query) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static Stay book(String tenant, String who, String hotel, ReservationStatus status, Instant createdAt,
                             String amount, String currency) {
        LocalDate arrival = LocalDate.now().plusDays(60);
        Stay stay = new Stay(tenant, hotel, who + "-" + tenant, who + "-" + tenant + "@example.com", arrival,
                arrival.plusDays(2));
        ReservationChanged snapshot = stay.snapshot(1, status, createdAt);
        ReservationChanged.Builder builder = ReservationChanged.newBuilder(snapshot).setCreatedAt(createdAt);
        if (amount != null) {
            builder.setTotalAmount(Money.newBuilder().setAmount(new BigDecimal(amount)).setCurrency(currency).build());
        }
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(), builder.build());
        return stay;
    }

    private static void campaign(String tenant, String who, String campaign, Instant sentAt) {
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), "g-" + who + "-" + tenant,
                event(tenant, who, campaign, sentAt));
    }

    private static CommunicationEvent event(String tenant, String who, String campaign, Instant sentAt) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "CommunicationEvent"))
                        .setSource("journey-service").setOccurredAt(sentAt).build())
                .setCommunicationId(UUID.randomUUID())
                .setGuestId("g-" + who + "-" + tenant)
                .setHotelCode("BERLIN")
                .setStep("CAMPAIGN:" + campaign)
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(CommunicationStatus.SENT)
                .setTenantId(tenant)
                .build();
    }
}
