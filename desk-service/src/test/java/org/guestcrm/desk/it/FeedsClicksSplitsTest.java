package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * Issue 12's gaps, through the real topics: feeds healthy per hotel (the freshness of each feed's events on
 * pms.reservations: a feed heard from two days ago is stale), revenue attributed by click (crm.communications CLICKED of
 * a campaign mail: bookings within 30 days after a click, last click), and a split (crm.guest-merges GuestSplit): the
 * campaign mail that reached the split-off guest's address, and its click, follow that guest's bookings.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class FeedsClicksSplitsTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    DeskClock clock;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void feedsHealthClickAttributionAndASplitInTheKpis() {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);

        // A feed last heard from two days ago (the desk's clock then), MUNICH.
        clock.setNow(now.minus(Duration.ofDays(2)));
        Stay old = book(tenant, "olga", "MUNICH", "feed-old", now.minus(Duration.ofDays(2)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> kpis(tenant, period).getInt("group.feeds.feeds") == 1);
        clock.reset();

        // Campaign mails and clicks. anna: spring sent 10 days ago, clicked 5 days ago; summer sent 2 days ago, never
        // clicked. bert: sent 40 days ago, clicked 35 days ago (outside the window). carl: sent, never clicked.
        // The merged guest "duo" (profiles of fay and gus): autumn sent to gus's address 3 days ago, clicked 2 days ago.
        UUID spring = mail(tenant, "anna", "spring", now.minus(Duration.ofDays(10)), null);
        click(tenant, "anna", "spring", spring, now.minus(Duration.ofDays(5)));
        mail(tenant, "anna", "summer", now.minus(Duration.ofDays(2)), null);
        UUID bert = mail(tenant, "bert", "spring", now.minus(Duration.ofDays(40)), null);
        click(tenant, "bert", "spring", bert, now.minus(Duration.ofDays(35)));
        mail(tenant, "carl", "spring", now.minus(Duration.ofDays(1)), null);
        UUID autumn = mail(tenant, "duo", "autumn", now.minus(Duration.ofDays(3)), "gus-" + tenant + "@example.com");
        click(tenant, "duo", "autumn", autumn, now.minus(Duration.ofDays(2)));

        Instant booked = now.minus(Duration.ofHours(1));
        List<Stay> stays = List.of(book(tenant, "anna", "BERLIN", "feed-ota", booked),
                book(tenant, "bert", "BERLIN", "feed-ota", booked), book(tenant, "carl", "BERLIN", "feed-ota", booked),
                book(tenant, "fay", "BERLIN", "feed-ota", booked), book(tenant, "gus", "MUNICH", "feed-json", booked));
        for (String who : List.of("anna", "bert", "carl")) {
            KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), "g-" + who + "-" + tenant,
                    GuestLinkTest.guest(tenant, "g-" + who + "-" + tenant, 1, "P-" + who + "-" + tenant));
        }
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), "g-duo-" + tenant, GuestLinkTest.guest(tenant,
                "g-duo-" + tenant, 1, "P-fay-" + tenant, "P-gus-" + tenant));
        for (Stay stay : stays) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> DocumentsTest.documents(stay).getList("kind").contains("CONFIRMATION"));
        }

        // Before the split: by click anna (spring) and fay (autumn, duo's) in BERLIN, gus (autumn) in MUNICH.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> kpis(tenant, period).getInt("group.campaignRevenueByClick.bookingsAttributed") == 3);
        JsonPath merged = kpis(tenant, period);
        assertEquals(2, merged.getInt("hotels.find { it.hotelCode == 'BERLIN' }.campaignRevenueByClick.bookingsAttributed"));
        // By mail sent (the wider figure): anna summer, carl, fay and gus autumn; bert's mail is 40 days old.
        assertEquals(4, merged.getInt("group.campaignRevenue.bookingsAttributed"));

        // Feeds: BERLIN feed-ota healthy; MUNICH feed-json healthy, feed-old stale (2 days > 24 h).
        assertEquals(Map.of("feeds", 3, "feedsHealthy", 2, "staleAfterHours", 24),
                Map.of("feeds", merged.getInt("group.feeds.feeds"), "feedsHealthy", merged.getInt("group.feeds.feedsHealthy"),
                        "staleAfterHours", merged.getInt("group.feeds.staleAfterHours")));
        assertEquals(List.of("feed-ota"), merged.getList("hotels.find { it.hotelCode == 'BERLIN' }.feeds.list.feed"));
        assertEquals(List.of("feed-json", "feed-old"), merged.getList("hotels.find { it.hotelCode == 'MUNICH' }.feeds.list.feed"));
        assertEquals(List.of(true, false), merged.getList("hotels.find { it.hotelCode == 'MUNICH' }.feeds.list.healthy"));
        assertEquals(1, merged.getInt("hotels.find { it.hotelCode == 'MUNICH' }.feeds.feedsHealthy"));
        assertEquals(1, kpis(tenant, period + "&hotel=BERLIN").getInt("group.feeds.feeds"), "one hotel: its feeds");
        assertEquals(List.of(old.hotelCode()), merged.getList("group.feeds.list.findAll { !it.healthy }.hotelCode"));

        // The split: gus's profile leaves duo for a new guest; the autumn mail went to gus's address, so it and its
        // click follow him: fay's booking no longer counts, gus's still does.
        KafkaTestClients.sendAvro(Topic.CRM_GUEST_MERGES.topicName(), "g-duo-" + tenant, GuestSplit.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestSplit")).setOriginalGuestId("g-duo-" + tenant)
                .setNewGuestId("g-gus-" + tenant)
                .setMovedSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("P-gus-" + tenant).build()))
                .setDecidedBy(MergeDecision.REVIEWER).build());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> kpis(tenant, period).getMap("guestMerges").get("splits").equals(1));
        JsonPath split = kpis(tenant, period);
        assertEquals(2, split.getInt("group.campaignRevenueByClick.bookingsAttributed"), "anna and gus by click");
        assertEquals(1, split.getInt("hotels.find { it.hotelCode == 'BERLIN' }.campaignRevenueByClick.bookingsAttributed"));
        assertEquals(List.of("spring"), split.getList(
                "hotels.find { it.hotelCode == 'BERLIN' }.campaignRevenueByClick.campaigns.campaignId"), "anna's, not fay's");
        assertEquals(List.of("autumn"), split.getList(
                "hotels.find { it.hotelCode == 'MUNICH' }.campaignRevenueByClick.campaigns.campaignId"), "gus's");
        assertEquals(3, split.getInt("group.campaignRevenue.bookingsAttributed"), "by mail sent: fay's no longer");
        // The earlier period holds no booking.
        assertEquals(0, kpis(tenant, "&from=" + today.minusDays(20) + "&to=" + today.minusDays(10))
                .getInt("group.campaignRevenueByClick.bookingsAttributed"));

        // CSV and page.
        String csv = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + period + "&format=csv")
                .then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> group = Arrays.asList(lines[1].split(",", -1));
        assertEquals("3", group.get(header.indexOf("feeds")));
        assertEquals("2", group.get(header.indexOf("feedsHealthy")));
        assertEquals("2", group.get(header.indexOf("clickBookings")));
        assertEquals("2", group.get(header.indexOf("clickBookingsWithoutAmount")), "the stays carry no totals");
        String page = given().auth().oauth2(Staff.token(Set.of(tenant), "v", Roles.VIEWER))
                .get("/desk/kpis?tenant=" + tenant + period).then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-figure=\"feedsHealthy\">2 of 3<"), page);
        assertTrue(page.contains("data-figure=\"clickBookings\">2<"), page);
    }

    private static JsonPath kpis(String tenant, String query) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static Stay book(String tenant, String who, String hotel, String feed, Instant createdAt) {
        LocalDate arrival = LocalDate.now().plusDays(60);
        Stay stay = new Stay(tenant, hotel, who + "-" + tenant, who + "-" + tenant + "@example.com", arrival,
                arrival.plusDays(2));
        ReservationChanged snapshot = stay.snapshot(1, ReservationStatus.CONFIRMED, createdAt);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(), ReservationChanged.newBuilder(snapshot)
                .setMetadata(EventMetadata.newBuilder(snapshot.getMetadata()).setSource(feed).build()).build());
        return stay;
    }

    private static UUID mail(String tenant, String who, String campaign, Instant sentAt, String address) {
        UUID id = UUID.randomUUID();
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), "g-" + who + "-" + tenant,
                CommunicationEvent.newBuilder(event(tenant, who, campaign, sentAt, id, CommunicationStatus.SENT))
                        .setContactPoint(address).build());
        return id;
    }

    private static void click(String tenant, String who, String campaign, UUID communication, Instant at) {
        KafkaTestClients.sendAvro(Topic.CRM_COMMUNICATIONS.topicName(), "g-" + who + "-" + tenant,
                event(tenant, who, campaign, at, communication, CommunicationStatus.CLICKED));
    }

    private static CommunicationEvent event(String tenant, String who, String campaign, Instant at, UUID communication,
                                            CommunicationStatus status) {
        return CommunicationEvent.newBuilder()
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata(tenant, "CommunicationEvent"))
                        .setSource("journey-service").setOccurredAt(at).build())
                .setCommunicationId(communication)
                .setGuestId("g-" + who + "-" + tenant)
                .setHotelCode("BERLIN")
                .setStep("CAMPAIGN:" + campaign)
                .setChannel(CommunicationChannel.EMAIL)
                .setStatus(status)
                .setTenantId(tenant)
                .build();
    }
}
