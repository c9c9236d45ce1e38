package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
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
 * The figures the desk computes from other services' topics: the marketing consent rate, opt-outs and opt-ins per hotel
 * and group (crm.consents: latest state per key, an older record ignored, a redelivery counted once, a tombstone
 * removing its point, other purposes apart, tenant-wide points in the group only) and the duplicates merged
 * (crm.guest-merges, the whole group only) - in the API, the CSV and the page. Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class GuestDataKpiTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String CONSENTS = Topic.CRM_CONSENTS.topicName();
    static final String MERGES = Topic.CRM_GUEST_MERGES.topicName();

    @Test
    void consentRateOptOutsAndMergesAreComputedFromTheirTopics() {
        String tenant = "tenant-" + UUID.randomUUID().toString().substring(0, 8);
        Instant t0 = Instant.now().minus(Duration.ofMinutes(30));
        LocalDate today = Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        String period = "&from=" + today.minusDays(1) + "&to=" + today.plusDays(2);

        // BERLIN: a granted; b granted, then withdrawn (and that withdrawal redelivered); c withdrawn in the hotel's
        // scope; d granted, then erased (tombstone); a survey opt-out apart. MUNICH: m granted. The tenant: t granted.
        consent(tenant, "a", "BERLIN", null, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, t0);
        consent(tenant, "a", "BERLIN", null, ConsentPurpose.MARKETING, ConsentStatus.WITHDRAWN, t0.minusSeconds(3600));
        consent(tenant, "b", "BERLIN", null, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, t0);
        ConsentChanged bOut = consent(tenant, "b", "BERLIN", null, ConsentPurpose.MARKETING, ConsentStatus.WITHDRAWN,
                t0.plusSeconds(60));
        KafkaTestClients.sendAvro(CONSENTS, key(tenant, "b", null, ConsentPurpose.MARKETING), bOut);
        consent(tenant, "c", null, "HOTEL=BERLIN", ConsentPurpose.MARKETING, ConsentStatus.WITHDRAWN, t0);
        consent(tenant, "d", "BERLIN", null, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, t0);
        KafkaTestClients.sendRaw(CONSENTS, key(tenant, "d", null, ConsentPurpose.MARKETING), null);
        consent(tenant, "s", "BERLIN", null, ConsentPurpose.GUEST_SURVEY, ConsentStatus.WITHDRAWN, t0);
        consent(tenant, "m", "MUNICH", null, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, t0);
        consent(tenant, "t", null, null, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, t0);

        // Two merges (three guests merged away), one redelivered; one split.
        GuestMerged first = GuestMerged.newBuilder().setMetadata(GuestLinkTest.metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId("s1-" + tenant).setMergedGuestIds(List.of("g1-" + tenant, "g2-" + tenant))
                .setDecidedBy(MergeDecision.AUTOMATIC).build();
        KafkaTestClients.sendAvro(MERGES, "s1-" + tenant, first);
        KafkaTestClients.sendAvro(MERGES, "s1-" + tenant, first);
        KafkaTestClients.sendAvro(MERGES, "s2-" + tenant, GuestMerged.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestMerged")).setSurvivingGuestId("s2-" + tenant)
                .setMergedGuestIds(List.of("g3-" + tenant)).setDecidedBy(MergeDecision.REVIEWER).build());
        KafkaTestClients.sendAvro(MERGES, "s1-" + tenant, GuestSplit.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "GuestSplit")).setOriginalGuestId("s1-" + tenant)
                .setNewGuestId("n1-" + tenant).setMovedSourceProfiles(List.of()).setDecidedBy(MergeDecision.REVIEWER)
                .build());

        Map<String, Object> group = Map.of("marketingContactPoints", 5, "marketingGranted", 3, "marketingWithdrawn", 2,
                "consentRate", 0.6f, "optOuts", 2, "optIns", 5);
        Map<String, Object> merges = Map.of("merges", 2, "guestsMerged", 3, "splits", 1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonPath k = kpis(tenant, period);
            return group.equals(k.getMap("group.consents")) && merges.equals(k.getMap("guestMerges"));
        });
        JsonPath k = kpis(tenant, period);
        assertEquals(List.of("BERLIN", "MUNICH"), k.getList("hotels.hotelCode"));
        assertEquals(Map.of("marketingContactPoints", 3, "marketingGranted", 1, "marketingWithdrawn", 2,
                "consentRate", 0.333f, "optOuts", 2, "optIns", 3), k.getMap("hotels[0].consents"));
        assertEquals(Map.of("marketingContactPoints", 1, "marketingGranted", 1, "marketingWithdrawn", 0,
                "consentRate", 1.0f, "optOuts", 0, "optIns", 1), k.getMap("hotels[1].consents"));
        assertTrue(k.getList("notComputedHere").stream().noneMatch(g -> g.toString().startsWith("consent")));

        // One hotel asked for: its consents are the group's, and merges (which name no hotel) are not shown.
        JsonPath berlin = kpis(tenant, period + "&hotel=BERLIN");
        assertEquals(k.getMap("hotels[0].consents"), berlin.getMap("group.consents"));
        assertNull(berlin.get("guestMerges"));
        // A period before the changes: no opt-outs or merges in it; the consent state is today's.
        JsonPath earlier = kpis(tenant, "&from=" + today.minusDays(20) + "&to=" + today.minusDays(10));
        assertEquals(0, earlier.getInt("group.consents.optOuts"));
        assertEquals(5, earlier.getInt("group.consents.marketingContactPoints"));
        assertEquals(0, earlier.getInt("guestMerges.guestsMerged"));

        // CSV: the group row carries the merges, the hotel rows the consent figures.
        String csv = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + period + "&format=csv")
                .then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        List<String> groupRow = Arrays.asList(lines[1].split(",", -1));
        List<String> berlinRow = Arrays.asList(lines[2].split(",", -1));
        assertEquals("0.6", groupRow.get(header.indexOf("consentRate")));
        assertEquals("2", groupRow.get(header.indexOf("consentOptOuts")));
        assertEquals("3", groupRow.get(header.indexOf("guestsMerged")));
        assertEquals("2", groupRow.get(header.indexOf("guestMerges")));
        assertEquals("1", groupRow.get(header.indexOf("guestSplits")));
        assertEquals("BERLIN", berlinRow.get(header.indexOf("hotel")));
        assertEquals("0.333", berlinRow.get(header.indexOf("consentRate")));
        assertEquals("3", berlinRow.get(header.indexOf("consentMarketingContactPoints")));
        assertEquals("", berlinRow.get(header.indexOf("guestsMerged")));

        // The page: the group's and the hotels' consent figures, the merges.
        String page = given().auth().oauth2(Staff.token(Set.of(tenant), "v", Roles.VIEWER))
                .get("/desk/kpis?tenant=" + tenant + period).then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-figure=\"consentRate\">60.0 %<"), page);
        assertTrue(page.contains("data-figure=\"consentRate\">33.3 %<"), page);
        assertTrue(page.contains("data-figure=\"consentOptOuts\">2<"), page);
        assertTrue(page.contains("data-figure=\"guestsMerged\">3<"), page);
        assertTrue(page.contains("data-figure=\"guestSplits\">1<"), page);
        assertTrue(!page.contains("@example.org"), "no contact point on the page");
    }

    @Test
    void aConsentWithoutTenantIsADeadLetter() {
        String key = "t:EMAIL:MARKETING:x-" + UUID.randomUUID() + "@example.org";
        ConsentChanged broken = ConsentChanged.newBuilder(build("t", "x", "BERLIN", null, ConsentPurpose.MARKETING,
                ConsentStatus.GRANTED, Instant.now()))
                .setMetadata(EventMetadata.newBuilder(GuestLinkTest.metadata("t", "ConsentChanged")).setTenantId("").build())
                .build();
        KafkaTestClients.sendAvro(CONSENTS, key, broken);
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_CONSENTS.deadLetterTopicName(),
                r -> key.equals(r.key()), WAIT);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("lacks tenantId"), reason);
        assertTrue(!reason.contains("@example.org"), reason);
    }

    private static JsonPath kpis(String tenant, String query) {
        return Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + query).then().statusCode(200)
                .extract().jsonPath();
    }

    /** Sends (and returns) the ledger's entry for guest {@code who}'s e-mail. */
    private static ConsentChanged consent(String tenant, String who, String hotel, String scope, ConsentPurpose purpose,
                                          ConsentStatus status, Instant effective) {
        ConsentChanged consent = build(tenant, who, hotel, scope, purpose, status, effective);
        KafkaTestClients.sendAvro(CONSENTS, key(tenant, who, scope, purpose), consent);
        return consent;
    }

    private static ConsentChanged build(String tenant, String who, String hotel, String scope, ConsentPurpose purpose,
                                        ConsentStatus status, Instant effective) {
        return ConsentChanged.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "ConsentChanged"))
                .setContactPoint(address(tenant, who))
                .setChannel(ConsentChannel.EMAIL)
                .setPurpose(purpose)
                .setStatus(status)
                .setSource(ConsentSource.PMS)
                .setEffectiveAt(effective)
                .setHotelCode(hotel)
                .setScope(scope)
                .build();
    }

    private static String key(String tenant, String who, String scope, ConsentPurpose purpose) {
        return tenant + ":EMAIL:" + purpose + ":" + (scope == null ? "" : scope + ":") + address(tenant, who);
    }

    private static String address(String tenant, String who) {
        return who + "-" + tenant + "@example.org";
    }
}
