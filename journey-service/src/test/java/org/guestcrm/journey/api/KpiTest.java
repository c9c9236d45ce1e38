package org.guestcrm.journey.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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
import org.guestcrm.events.SourceProfileRef;
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
 * The KPI API (issue 9) over what the service really holds: a campaign launched through the API and mailed to
 * GreenMail, unsubscribes arriving on crm.consents (Kafka), and journey-step outcomes and survey answers written into
 * PostgreSQL as the dispatcher and the survey page write them (their own paths are proved by DeliveryFailuresTest and
 * SurveyPageTest).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class KpiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    EntityManager entityManager;

    @Test
    void kpisCountEachOutcomePerHotelStepAndCampaignWithUnsubscribesThroughTheMailsLinkAndSurveyScores() {
        String tenant = "kpi-" + UUID.randomUUID().toString().substring(0, 8);
        String ann = email(tenant, "ann");
        String bob = email(tenant, "bob");
        guest(tenant, "ann", "KPI1", ann);
        guest(tenant, "bob", "KPI1", bob);
        String campaign = Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"KPI news\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\"KPI1\"]}, "
                        + "\"schedule\": \"now\"}")
                .post("/api/v1/campaigns").then().statusCode(201).extract().jsonPath().getString("id");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> Staff.as(tenant, Roles.MARKETER)
                .post("/api/v1/campaigns/" + campaign + "/preview").jsonPath().getInt("wouldReceive") == 2);
        Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + campaign + "/launch").then().statusCode(200);
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(ann).size() == 1
                && MailServer.shared().messagesTo(bob).size() == 1);
        await().atMost(WAIT).until(() -> Staff.as(tenant, Roles.MARKETER).get("/api/v1/campaigns/" + campaign)
                .jsonPath().getInt("counts.SENT") == 2);

        // Journey steps' outcomes as the dispatcher records them, and two survey answers (9 and 6).
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String carl = email(tenant, "carl");
        UUID survey1 = step(tenant, "KPI1", "POST_STAY_SURVEY", "SENT", email(tenant, "s1"), now.minus(2, ChronoUnit.DAYS));
        UUID survey2 = step(tenant, "KPI1", "POST_STAY_SURVEY", "SENT", email(tenant, "s2"), now.minus(3, ChronoUnit.DAYS));
        step(tenant, "KPI1", "POST_STAY_SURVEY", "SENT", email(tenant, "s3"), now.minus(3, ChronoUnit.DAYS));
        answer(survey1, tenant, 9);
        answer(survey2, tenant, 6);
        step(tenant, "KPI1", "PRE_STAY", "SENT", carl, now.minus(1, ChronoUnit.DAYS));
        step(tenant, "KPI1", "PRE_STAY", "BOUNCED", email(tenant, "gone"), now.minus(1, ChronoUnit.DAYS));
        // Delivered, then reported as abuse by the guest (an ARF read from the bounce mailbox): delivered and complained.
        step(tenant, "KPI1", "PRE_STAY", "COMPLAINED", email(tenant, "spam"), now.minus(1, ChronoUnit.DAYS));
        step(tenant, "KPI1", "CONFIRMATION", "FAILED", email(tenant, "f"), now.minus(1, ChronoUnit.DAYS));
        step(tenant, "KPI1", "PRE_STAY", "SCHEDULED", email(tenant, "later"), now.plus(1, ChronoUnit.DAYS));
        step(tenant, "KPI2", "CONFIRMATION", "SENT", email(tenant, "k2"), now.minus(1, ChronoUnit.HOURS));
        step(tenant, "KPI2", "CONFIRMATION", "SENT", email(tenant, "old"), now.minus(40, ChronoUnit.DAYS));
        step("kpi-other-" + tenant, "KPI1", "PRE_STAY", "SENT", email(tenant, "other"), now.minus(1, ChronoUnit.DAYS));

        // Ann unsubscribes through the campaign mail's link, Carl through the pre-stay mail's; Bob withdraws at the
        // desk (not an unsubscribe of a mail); an unsubscribe of a purpose Carl got no mail of counts nothing.
        consent(tenant, ann, ConsentPurpose.MARKETING, ConsentSource.UNSUBSCRIBE_LINK);
        consent(tenant, bob, ConsentPurpose.MARKETING, ConsentSource.FRONT_DESK);
        consent(tenant, carl, ConsentPurpose.PRE_STAY_SERVICE, ConsentSource.UNSUBSCRIBE_LINK);
        consent(tenant, carl, ConsentPurpose.GUEST_SURVEY, ConsentSource.UNSUBSCRIBE_LINK);

        JsonPath report = awaitKpis(tenant, "", r -> unsubscribed(r, "KPI1", "CAMPAIGN") == 1
                && unsubscribed(r, "KPI1", "PRE_STAY") == 1);
        Map<String, Object> news = row(report, "KPI1", "CAMPAIGN");
        assertEquals(campaign, news.get("campaignId"));
        assertEquals("KPI news", news.get("campaignName"));
        assertEquals(Map.of("sent", 2, "delivered", 2, "bounced", 0, "complained", 0, "failed", 0, "unsubscribed", 1),
                counts(news));
        Map<String, Object> figures = figures(news);
        assertEquals(0, figures.get("opened"), "tracked, and nobody opened them (TrackingTest counts opens)");
        assertEquals(0, figures.get("clicked"));
        assertNull(figures.get("revenue"));
        assertNull(figures.get("survey"), "a campaign mail has no survey");

        assertEquals(Map.of("sent", 3, "delivered", 2, "bounced", 1, "complained", 1, "failed", 0, "unsubscribed", 1),
                counts(row(report, "KPI1", "PRE_STAY")), "the scheduled one is not counted");
        assertEquals(Map.of("sent", 0, "delivered", 0, "bounced", 0, "complained", 0, "failed", 1, "unsubscribed", 0),
                counts(row(report, "KPI1", "CONFIRMATION")));
        Map<String, Object> surveys = row(report, "KPI1", "POST_STAY_SURVEY");
        assertEquals(Map.of("sent", 3, "delivered", 3, "bounced", 0, "complained", 0, "failed", 0, "unsubscribed", 0),
                counts(surveys));
        assertEquals(Map.of("answers", 2, "averageScore", 7.5f), figures(surveys).get("survey"));

        Map<String, Object> kpi1 = report.getMap("hotels.find { it.hotelCode == 'KPI1' }.figures");
        assertEquals(8, kpi1.get("sent"));
        assertEquals(7, kpi1.get("delivered"));
        assertEquals(1, kpi1.get("complained"));
        assertEquals(2, kpi1.get("unsubscribed"));
        assertEquals(Map.of("answers", 2, "averageScore", 7.5f), kpi1.get("survey"));
        assertEquals(1, report.getInt("hotels.find { it.hotelCode == 'KPI2' }.figures.sent"), "40 days ago: outside");
        assertEquals(List.of("KPI1", "KPI2"), report.getList("hotels.hotelCode"));

        // One hotel, and a window that reaches back 50 days (dates, to inclusive).
        JsonPath kpi2 = Staff.as(tenant, Roles.VIEWER)
                .queryParam("hotelCode", "KPI2")
                .queryParam("from", now.minus(50, ChronoUnit.DAYS).toString().substring(0, 10))
                .queryParam("to", now.toString().substring(0, 10))
                .get("/api/v1/kpis/" + tenant).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("KPI2"), kpi2.getList("hotels.hotelCode"));
        assertEquals(2, kpi2.getInt("steps[0].figures.delivered"));
        assertEquals("CONFIRMATION", kpi2.getString("steps[0].step"));

        // A window before any of it: nothing, as empty lists (no made-up rows).
        JsonPath empty = Staff.as(tenant, Roles.MARKETER).queryParam("from", "2020-01-01").queryParam("to", "2020-01-31")
                .get("/api/v1/kpis/" + tenant).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(), empty.getList("steps"));
        assertEquals(Instant.parse("2020-02-01T00:00:00Z"), Instant.parse(empty.getString("to")));
    }

    @Test
    void badParametersAreNamedInA400AndOtherTenantsAndRolesSeeNothing() {
        String tenant = "kpi-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/api/v1/kpis/" + tenant;
        assertEquals(List.of("from"), invalid(Staff.as(tenant, Roles.MARKETER).queryParam("from", "2026-13-01").get(path)));
        assertEquals(List.of("to"), invalid(Staff.as(tenant, Roles.MARKETER).queryParam("to", "yesterday").get(path)));
        assertEquals(List.of("from"), invalid(Staff.as(tenant, Roles.MARKETER).queryParam("from", "2026-02-01")
                .queryParam("to", "2026-01-01").get(path)));
        assertEquals(List.of("to"), invalid(Staff.as(tenant, Roles.MARKETER).queryParam("from", "2024-01-01")
                .queryParam("to", "2026-01-01").get(path)));
        assertEquals(List.of("hotelCode", "from"), invalid(Staff.as(tenant, Roles.MARKETER).queryParam("hotelCode", " ")
                .queryParam("from", "+99999-01-01T00:00:00Z").get(path)));
        Staff.as(tenant, Roles.MARKETER).get(path).then().statusCode(200);
        Staff.as("someone-else", Roles.MARKETER).get(path).then().statusCode(404);
        Staff.as(tenant, Roles.AGENT).get(path).then().statusCode(403);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static List<String> invalid(io.restassured.response.Response response) {
        return response.then().statusCode(400).contentType("application/problem+json").extract().jsonPath()
                .getList("invalidParams.name");
    }

    private static String email(String tenant, String name) {
        return name + "-" + tenant + "@example.com";
    }

    private static JsonPath awaitKpis(String tenant, String query, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            var response = Staff.as(tenant, Roles.MARKETER).get("/api/v1/kpis/" + tenant + query);
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

    private static Map<String, Object> row(JsonPath report, String hotel, String step) {
        return report.getMap("steps.find { it.hotelCode == '" + hotel + "' && it.step == '" + step + "' }");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> figures(Map<String, Object> row) {
        return (Map<String, Object>) row.get("figures");
    }

    private static Map<String, Object> counts(Map<String, Object> row) {
        Map<String, Object> figures = figures(row);
        return Map.of("sent", figures.get("sent"), "delivered", figures.get("delivered"), "bounced",
                figures.get("bounced"), "complained", figures.get("complained"), "failed", figures.get("failed"),
                "unsubscribed", figures.get("unsubscribed"));
    }

    private static int unsubscribed(JsonPath report, String hotel, String step) {
        return ((Number) figures(row(report, hotel, step)).get("unsubscribed")).intValue();
    }

    /** A journey step's communication with an outcome (dated as the dispatcher dates it), written into PostgreSQL. */
    private UUID step(String tenant, String hotel, String step, String status, String contactPoint, Instant at) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        INSERT INTO communication (id, tenant, hotel_code, pms_reservation_id, step, channel, status,
                            due_at, sent_at, attempts, correlation_id, contact_point, created_at, updated_at)
                        VALUES (:id, :tenant, :hotel, :reservation, :step, 'EMAIL', :status, :at,
                            CASE WHEN :status IN ('SENT', 'COMPLAINED') THEN cast(:at AS timestamptz) END, 1, 'kpi-test', :cp, :at, :at)""")
                .setParameter("id", id).setParameter("tenant", tenant).setParameter("hotel", hotel)
                .setParameter("reservation", "R-" + id).setParameter("step", step).setParameter("status", status)
                .setParameter("at", at.atOffset(java.time.ZoneOffset.UTC)).setParameter("cp", contactPoint)
                .executeUpdate());
        return id;
    }

    private void answer(UUID communication, String tenant, int score) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        INSERT INTO survey_response (id, communication_id, tenant, hotel_code, revision, score,
                            first_answered_at, answered_at)
                        VALUES (gen_random_uuid(), :communication, :tenant, 'KPI1', 1, :score, now(), now())""")
                .setParameter("communication", communication).setParameter("tenant", tenant)
                .setParameter("score", score).executeUpdate());
    }

    private static void guest(String tenant, String name, String hotel, String email) {
        String guestId = "g-" + name + "-" + tenant;
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated")).setGuestId(guestId).setVersion(1).setLanguage("en")
                .setEmails(List.of(ContactPoint.newBuilder().setValue(email).setPrimary(true).setSources(List.of()).build()))
                .setStayCount(1)
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-" + name + "-" + tenant).setHotelCode(hotel).build()))
                .build());
        consentAt(tenant, email, ConsentPurpose.MARKETING, ConsentStatus.GRANTED, ConsentSource.PREFERENCE_CENTRE,
                Instant.now().minus(10, ChronoUnit.DAYS));
    }

    private static void consent(String tenant, String email, ConsentPurpose purpose, ConsentSource source) {
        consentAt(tenant, email, purpose, ConsentStatus.WITHDRAWN, source, Instant.now());
    }

    private static void consentAt(String tenant, String email, ConsentPurpose purpose, ConsentStatus status,
                                  ConsentSource source, Instant at) {
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), tenant + ":EMAIL:" + purpose + ":" + email,
                ConsentChanged.newBuilder().setMetadata(metadata(tenant, "ConsentChanged")).setContactPoint(email)
                        .setChannel(ConsentChannel.EMAIL).setPurpose(purpose).setStatus(status).setSource(source)
                        .setEffectiveAt(at).setGuestId(null).setHotelCode(null).setEvidence(null).build());
    }

    private static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(tenant).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }
}
