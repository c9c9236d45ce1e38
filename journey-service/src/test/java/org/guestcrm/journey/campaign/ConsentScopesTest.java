package org.guestcrm.journey.campaign;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Consent per scope (crm.consents' {@code scope}: TENANT, HOTEL=..., BRAND=...), through Kafka, PostgreSQL and GreenMail:
 * what holds for a hotel's message is the tenant's state with the hotel's (and its brand's) together, an opt-out in any
 * wins; transactional mails need no consent at all.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class ConsentScopesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EntityManager entityManager;

    @Test
    void aHotelOptOutStopsThatHotelsMarketingOnlyAndATenantOptOutStopsAll() {
        String tenant = "scope-" + UUID.randomUUID().toString().substring(0, 8);
        String anna = guest(tenant, "anna", List.of("ZRH1", "ZRH2"));
        String ben = guest(tenant, "ben", List.of("ZRH1", "ZRH2"));
        String cara = guest(tenant, "cara", List.of("ZRH1"));
        for (String name : List.of("anna", "ben", "cara")) {
            consent(tenant, name, ConsentStatus.GRANTED, null, false, Instant.now().minusSeconds(60));
        }
        // Anna's opt-out at ZRH1 carries the scope field; Ben's comes from an older producer: the scope is in the key.
        consent(tenant, "anna", ConsentStatus.WITHDRAWN, "HOTEL=ZRH1", true, Instant.now().minusSeconds(30));
        consent(tenant, "ben", ConsentStatus.WITHDRAWN, "HOTEL=ZRH1", false, Instant.now().minusSeconds(30));
        awaitConsentRows(tenant, 5);

        String zurich1 = create(tenant, "ZRH1");
        JsonPath first = awaitPreview(tenant, zurich1, p -> p.getList("guests").size() == 3);
        assertEquals("opted out (marketing consent withdrawn)", reasonOf(first, anna));
        assertEquals("opted out (marketing consent withdrawn)", reasonOf(first, ben), "the scope read from the key");
        assertEquals(Boolean.TRUE, first.get("guests.find { it.guestId == '" + cara + "' }.receives"));

        String zurich2 = create(tenant, "ZRH2");
        JsonPath second = awaitPreview(tenant, zurich2, p -> p.getList("guests").size() == 2);
        assertEquals(2, second.getInt("wouldReceive"), "ZRH1's opt-outs do not stop ZRH2's marketing");
        launch(tenant, zurich2);
        awaitCampaign(tenant, zurich2, c -> c.getInt("counts.SENT") == 2);
        launch(tenant, zurich1);
        JsonPath launched = awaitCampaign(tenant, zurich1, c -> c.getInt("counts.SENT") == 1
                && c.getInt("counts.SKIPPED") == 2);
        assertEquals(2, launched.getInt("reasons.'opted out (marketing consent withdrawn)'"));
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(emailOf(tenant, "cara")).size() == 1);
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, "anna")).size(),
                "Anna got ZRH2's campaign, not ZRH1's");
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, "ben")).size(),
                "Ben got ZRH2's campaign, not ZRH1's");

        // A tenant opt-out stops every hotel, even where the hotel's own state is a newer grant.
        consent(tenant, "anna", ConsentStatus.WITHDRAWN, "TENANT", true, Instant.now().minusSeconds(10));
        consent(tenant, "anna", ConsentStatus.GRANTED, "HOTEL=ZRH2", true, Instant.now());
        awaitConsentRows(tenant, 6);
        String again = create(tenant, "ZRH2");
        JsonPath third = awaitPreview(tenant, again, p -> p.getInt("wouldReceive") == 1);
        assertEquals("opted out (marketing consent withdrawn)", reasonOf(third, anna));
        assertEquals(Boolean.TRUE, third.get("guests.find { it.guestId == '" + ben + "' }.receives"));
    }

    @Test
    void aBrandOptOutStopsTheBrandsHotelsOnly() {
        // Test profile: tenant "branded", hotels BRA1 and BRA2 of brand lux, BRA3 of none.
        String tenant = "branded";
        String name = "dora" + UUID.randomUUID().toString().substring(0, 8);
        String dora = guest(tenant, name, List.of("BRA1", "BRA2", "BRA3"));
        consent(tenant, name, ConsentStatus.GRANTED, null, false, Instant.now().minusSeconds(60));
        consent(tenant, name, ConsentStatus.WITHDRAWN, "BRAND=lux", true, Instant.now());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager.createNativeQuery(
                                "SELECT count(*) FROM consent_state WHERE tenant = :t AND contact_point = :c")
                        .setParameter("t", tenant).setParameter("c", emailOf(tenant, name)).getSingleResult())
                        .longValue()) == 2);
        for (String hotel : List.of("BRA1", "BRA2")) {
            JsonPath preview = awaitPreview(tenant, create(tenant, hotel), p -> reasonOf(p, dora) != null);
            assertEquals("opted out (marketing consent withdrawn)", reasonOf(preview, dora), hotel);
        }
        JsonPath other = awaitPreview(tenant, create(tenant, "BRA3"),
                p -> p.get("guests.find { it.guestId == '" + dora + "' }") != null);
        assertEquals(Boolean.TRUE, other.get("guests.find { it.guestId == '" + dora + "' }.receives"));
    }

    @Test
    void aHotelOptOutSuppressesThatHotelsServiceMailsWhileTransactionalOnesGoEverywhere() {
        Booking seeblick = Booking.unique("scoped-");
        Booking lakeside = new Booking(seeblick.tenant(), "LAKESIDE", seeblick.reservationId() + "L", seeblick.email());
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), seeblick.tenant() + ":EMAIL:MARKETING:HOTEL=SEEBLICK:"
                + seeblick.email(), consentOf(seeblick.tenant(), seeblick.email(), ConsentStatus.WITHDRAWN,
                "HOTEL=SEEBLICK", Instant.now()));
        awaitConsentRows(seeblick.tenant(), 1);
        LocalDate arrival = LocalDate.now().plusDays(30);
        for (Booking booking : List.of(seeblick, lakeside)) {
            KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                    booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        }
        JsonPath here = awaitCommunications(seeblick, stepIs("CONFIRMATION", "SENT"));
        JsonPath there = awaitCommunications(lakeside, stepIs("CONFIRMATION", "SENT"));
        makeDue(List.of(idOf(here, "PRE_STAY"), idOf(here, "PRE_CHECK_IN"), idOf(there, "PRE_STAY"),
                idOf(there, "PRE_CHECK_IN")));

        JsonPath hereAfter = awaitCommunications(seeblick, stepIs("PRE_STAY", "SKIPPED")
                .and(stepIs("PRE_CHECK_IN", "SENT")));
        assertEquals("suppressed: consent withdrawn (MARKETING)",
                hereAfter.getString("find { it.step == 'PRE_STAY' }.reason"));
        awaitCommunications(lakeside, stepIs("PRE_STAY", "SENT").and(stepIs("PRE_CHECK_IN", "SENT")));
        assertEquals(5, MailServer.shared().messagesTo(seeblick.email()).size(),
                "2 confirmations, 2 pre-check-ins and LAKESIDE's pre-stay; no pre-stay from SEEBLICK");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String emailOf(String tenant, String name) {
        return name + "-" + tenant + "@example.com";
    }

    private static String guest(String tenant, String name, List<String> hotels) {
        String guestId = "g-" + name + "-" + tenant;
        GuestUpdated guest = GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated"))
                .setGuestId(guestId)
                .setVersion(1)
                .setLanguage("en")
                .setEmails(List.of(ContactPoint.newBuilder().setValue(emailOf(tenant, name)).setPrimary(true)
                        .setSources(List.of()).build()))
                .setStayCount(hotels.size())
                .setSourceProfiles(hotels.stream().map(hotel -> SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-" + name + "-" + hotel).setHotelCode(hotel).build()).toList())
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, guest);
        return guestId;
    }

    /**
     * Publishes the guest's e-mail MARKETING consent of {@code scope} (null: the unscoped tenant key); with
     * {@code scopeField} false the record carries no scope field (an older producer), only its key does.
     */
    private static void consent(String tenant, String name, ConsentStatus status, String scope, boolean scopeField,
                                Instant effectiveAt) {
        String email = emailOf(tenant, name);
        // The optout-service keys a tenant-scope state without a scope, a hotel's or brand's with it.
        boolean scopedKey = scope != null && !"TENANT".equals(scope);
        String key = tenant + ":EMAIL:MARKETING:" + (scopedKey ? scope + ":" : "") + email;
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), key,
                consentOf(tenant, email, status, scopeField ? scope : null, effectiveAt));
    }

    private static ConsentChanged consentOf(String tenant, String email, ConsentStatus status, String scope,
                                            Instant effectiveAt) {
        return ConsentChanged.newBuilder()
                .setMetadata(metadata(tenant, "ConsentChanged"))
                .setContactPoint(email).setChannel(ConsentChannel.EMAIL).setPurpose(ConsentPurpose.MARKETING)
                .setStatus(status).setSource(ConsentSource.FRONT_DESK).setEffectiveAt(effectiveAt)
                .setGuestId(null).setHotelCode(null).setEvidence(null).setScope(scope)
                .build();
    }

    private static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(tenant).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }

    private void awaitConsentRows(String tenant, long rows) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager.createNativeQuery(
                                "SELECT count(*) FROM consent_state WHERE tenant = :t")
                        .setParameter("t", tenant).getSingleResult()).longValue()) == rows);
    }

    private void makeDue(List<UUID> ids) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id IN (:ids)")
                .setParameter("ids", ids).executeUpdate());
    }

    private static String create(String tenant, String hotel) {
        return Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"News of " + hotel + "\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\""
                        + hotel + "\"]}, \"schedule\": \"now\"}")
                .post("/api/v1/campaigns").then().statusCode(201).extract().jsonPath().getString("id");
    }

    private static void launch(String tenant, String id) {
        Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/launch").then().statusCode(200);
    }

    private static String reasonOf(JsonPath preview, String guestId) {
        return preview.getString("guests.find { it.guestId == '" + guestId + "' }.reason");
    }

    private static JsonPath awaitPreview(String tenant, String id, Predicate<JsonPath> condition) {
        return awaitJson(() -> Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/preview"), condition);
    }

    private static JsonPath awaitCampaign(String tenant, String id, Predicate<JsonPath> condition) {
        return awaitJson(() -> Staff.as(tenant, Roles.MARKETER).get("/api/v1/campaigns/" + id), condition);
    }

    private static JsonPath awaitCommunications(Booking booking, Predicate<JsonPath> condition) {
        return awaitJson(() -> Staff.viewer(booking.tenant()).get(booking.communicationsPath()), condition);
    }

    private static JsonPath awaitJson(java.util.function.Supplier<io.restassured.response.Response> request,
                                      Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            var response = request.get();
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            try {
                return condition.test(last[0]);
            } catch (RuntimeException e) {
                return false;
            }
        });
        return last[0];
    }

    private static UUID idOf(JsonPath communications, String step) {
        return UUID.fromString(communications.getString("find { it.step == '" + step + "' }.id"));
    }

    private static Predicate<JsonPath> stepIs(String step, String status) {
        return list -> status.equals(list.getString("find { it.step == '" + step + "' }.status"));
    }
}
