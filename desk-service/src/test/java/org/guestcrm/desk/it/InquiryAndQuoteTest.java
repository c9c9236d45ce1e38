package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.messaging.DeskSweep;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/**
 * Inquiries posted through the API, the tasks API (views, assign, complete with outcome), quotes that expire or
 * convert to a booking, and the desk's figures. Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class InquiryAndQuoteTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DeskClock clock;
    @Inject
    DeskSweep sweep;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    static Map<String, Object> inquiry(Stay stay) {
        return Map.of("hotelCode", stay.hotelCode(),
                "guest", Map.of("name", "Greta Spreewald", "email", stay.email().toUpperCase(), "phone", "+49 30 1234567",
                        "language", "de"),
                "arrival", stay.arrival().toString(), "departure", stay.departure().toString(),
                "adults", 2, "rooms", 1, "roomType", "DBL", "message", "Quiet room please", "channel", "WEB_FORM");
    }

    static JsonPath post(Stay stay) {
        return Staff.agent(stay.tenant()).body(inquiry(stay)).post("/api/v1/inquiries?tenant=" + stay.tenant())
                .then().statusCode(201).extract().jsonPath();
    }

    @Test
    void anInquiryBecomesALeadWithACallBackTaskThatStaffWorkThrough() {
        clock.setNow(Instant.parse("2026-11-30T18:30:00Z")); // 19:30 in Berlin: 30 minutes before the desk closes
        Stay stay = Stay.unique("BERLIN");
        Response created = Staff.agent(stay.tenant()).body(inquiry(stay)).post("/api/v1/inquiries?tenant=" + stay.tenant());
        created.then().statusCode(201);
        JsonPath lead = created.jsonPath();
        assertEquals("/api/v1/leads/" + lead.getString("id"), java.net.URI.create(created.header("Location")).getPath());
        assertEquals("OPEN", lead.getString("status"));
        assertEquals("API", lead.getString("origin"));
        assertEquals(stay.email(), lead.getString("guest.email"), "stored normalised");
        assertEquals("+49301234567", lead.getString("guest.phone"));
        // 30 minutes on Monday, 90 on Tuesday from 08:00: Tuesday 09:30 Berlin.
        assertEquals(Instant.parse("2026-12-01T08:30:00Z"), Instant.parse(lead.getString("tasks[0].dueAt")));
        String taskId = lead.getString("tasks[0].id");

        // Views: open, my team's, mine (after assigning it to me), by reservation (none yet: an inquiry).
        String tasks = "/api/v1/tasks?tenant=" + stay.tenant();
        Staff.agent(stay.tenant()).get(tasks).then().statusCode(200).body("id", contains(taskId));
        Staff.agent(stay.tenant()).get(tasks + "&view=team&team=front-desk").then().body("id", contains(taskId));
        Staff.agent(stay.tenant()).get(tasks + "&view=team&team=reservations").then().body("size()", equalTo(0));
        Staff.agent(stay.tenant()).get(tasks + "&view=mine").then().body("size()", equalTo(0));
        Staff.agent(stay.tenant()).body(Map.of("assignee", "me")).post("/api/v1/tasks/" + taskId + "/assignment")
                .then().statusCode(200).body("assignee", equalTo("agent-anna"));
        Staff.agent(stay.tenant()).get(tasks + "&view=mine").then().body("id", contains(taskId));
        Staff.agent(stay.tenant(), "agent-ben").get(tasks + "&view=mine").then().body("size()", equalTo(0));

        // Nobody answers: done NO_ANSWER, the next call is opened 2 working hours later and stays with Anna.
        clock.setNow(Instant.parse("2026-12-01T08:00:00Z"));
        Staff.agent(stay.tenant()).body(Map.of("outcome", "NO_ANSWER")).post("/api/v1/tasks/" + taskId + "/completion")
                .then().statusCode(200).body("status", equalTo("DONE")).body("outcome", equalTo("NO_ANSWER"))
                .body("doneBy", equalTo("agent-anna"));
        JsonPath open = Staff.agent(stay.tenant()).get(tasks).then().statusCode(200).extract().jsonPath();
        assertEquals(1, open.getList("id").size());
        assertEquals(2, open.getInt("[0].attempt"));
        assertEquals("agent-anna", open.getString("[0].assignee"));
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse(open.getString("[0].dueAt")));
        String second = open.getString("[0].id");

        // Completing it again is a conflict; LOST needs a reason (named, 400).
        Staff.agent(stay.tenant()).body(Map.of("outcome", "DONE")).post("/api/v1/tasks/" + taskId + "/completion")
                .then().statusCode(409).contentType("application/problem+json");
        Staff.agent(stay.tenant()).body(Map.of("outcome", "LOST")).post("/api/v1/tasks/" + second + "/completion")
                .then().statusCode(400).contentType("application/problem+json")
                .body("invalidParams.name", contains("reason"));
        Staff.agent(stay.tenant()).body(Map.of("outcome", "LOST", "reason", "price"))
                .post("/api/v1/tasks/" + second + "/completion").then().statusCode(200);
        JsonPath closed = Staff.agent(stay.tenant()).get("/api/v1/leads/" + lead.getString("id")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("LOST", closed.getString("status"));
        assertEquals("price", closed.getString("outcomeReason"));
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"), Instant.parse(closed.getString("answeredAt")),
                "answered at the first call, even unanswered");
        Staff.agent(stay.tenant()).get(tasks).then().body("size()", equalTo(0));
    }

    @Test
    void aRepeatedPostWithTheSameIdempotencyKeyCreatesOneLead() {
        Stay stay = Stay.unique("BERLIN");
        String key = UUID.randomUUID().toString();
        String first = Staff.agent(stay.tenant()).header("Idempotency-Key", key).body(inquiry(stay))
                .post("/api/v1/inquiries?tenant=" + stay.tenant()).then().statusCode(201).extract().path("id");
        String again = Staff.agent(stay.tenant()).header("Idempotency-Key", key).body(inquiry(stay))
                .post("/api/v1/inquiries?tenant=" + stay.tenant()).then().statusCode(200).extract().path("id");
        assertEquals(first, again);
        Staff.agent(stay.tenant()).get("/api/v1/tasks?tenant=" + stay.tenant()).then().body("size()", equalTo(1));
    }

    @Test
    void badInquiriesAreRefusedNamingTheFieldNeverItsValue() {
        Stay stay = Stay.unique("BERLIN");
        String url = "/api/v1/inquiries?tenant=" + stay.tenant();
        Map<String, Object> bad = Map.of("guest", Map.of("name", "Greta", "email", "greta-at-nowhere"),
                "arrival", stay.arrival().toString(), "departure", stay.arrival().minusDays(1).toString(), "adults", 0);
        Response refused = Staff.agent(stay.tenant()).body(bad).post(url);
        refused.then().statusCode(400).contentType("application/problem+json")
                .body("invalidParams.name", org.hamcrest.Matchers.containsInAnyOrder("hotelCode", "guest.email",
                        "departure", "adults"));
        assertFalse(refused.asString().contains("greta-at-nowhere"), refused.asString());
        // A field of the wrong type, and a body that is not JSON.
        Response wrongType = Staff.agent(stay.tenant()).body("{\"hotelCode\":\"BERLIN\",\"arrival\":\"next tuesday\"}").post(url);
        wrongType.then().statusCode(400).contentType("application/problem+json")
                .body("invalidParams.name", contains("arrival"));
        assertFalse(wrongType.asString().contains("next tuesday"), wrongType.asString());
        Staff.agent(stay.tenant()).body("{not json").post(url).then().statusCode(400)
                .contentType("application/problem+json");
        // No contact to answer on; a stay in the past; no tenant.
        Staff.agent(stay.tenant()).body(Map.of("hotelCode", "BERLIN", "guest", Map.of("name", "Greta"),
                "arrival", stay.arrival().toString(), "departure", stay.departure().toString())).post(url)
                .then().statusCode(400).body("invalidParams.name", contains("guest.email"));
        Staff.agent(stay.tenant()).body(Map.of("hotelCode", "BERLIN", "guest", Map.of("name", "Greta", "phone", "030 1234567"),
                "arrival", LocalDate.now().minusDays(3).toString(), "departure", LocalDate.now().toString())).post(url)
                .then().statusCode(400).body("invalidParams.name", contains("arrival"));
        Staff.agent(stay.tenant()).body(inquiry(stay)).post("/api/v1/inquiries").then().statusCode(400)
                .body("invalidParams.name", contains("tenant"));
        Staff.agent(stay.tenant()).get("/api/v1/leads?tenant=" + stay.tenant()).then().body("size()", equalTo(0));
    }

    @Test
    void aQuoteAboutToExpireRaisesAFollowUpAndABookingOfTheSameStayConvertsIt() {
        Instant start = Instant.parse("2026-11-30T09:00:00Z");
        clock.setNow(start);
        Stay stay = Stay.unique("BERLIN");
        JsonPath lead = post(stay);
        String leadId = lead.getString("id");
        String callBack = lead.getString("tasks[0].id");

        // A quote 20 minutes after the inquiry, valid 3 days.
        clock.setNow(start.plus(Duration.ofMinutes(20)));
        Instant validUntil = start.plus(Duration.ofDays(3));
        Staff.agent(stay.tenant()).body(Map.of("roomType", "DBL", "rooms", 1, "arrival", stay.arrival().toString(),
                        "departure", stay.departure().toString(), "price", Map.of("amount", 540.00, "currency", "EUR"),
                        "validUntil", validUntil.toString()))
                .post("/api/v1/leads/" + leadId + "/quotes").then().statusCode(201)
                .body("status", equalTo("OPEN")).body("price.currency", equalTo("EUR"));
        Staff.agent(stay.tenant()).body(Map.of("roomType", "DBL", "arrival", stay.arrival().toString(),
                        "departure", stay.departure().toString(), "price", Map.of("amount", -1, "currency", "euro"),
                        "validUntil", start.minusSeconds(1).toString()))
                .post("/api/v1/leads/" + leadId + "/quotes").then().statusCode(400)
                .body("invalidParams.name", org.hamcrest.Matchers.containsInAnyOrder("price.amount", "price.currency",
                        "validUntil"));

        // 25 hours before it expires: no follow-up yet; 23 hours before: one (and only one, however often swept).
        clock.setNow(validUntil.minus(Duration.ofHours(25)));
        sweep.runOnce(clock.now());
        assertTrue(tasksOf(stay, leadId).stream().noneMatch(t -> "QUOTE_FOLLOW_UP".equals(t.get("kind"))));
        clock.setNow(validUntil.minus(Duration.ofHours(23)));
        sweep.runOnce(clock.now());
        sweep.runOnce(clock.now());
        List<Map<String, Object>> tasks = tasksOf(stay, leadId);
        assertEquals(1, tasks.stream().filter(t -> "QUOTE_FOLLOW_UP".equals(t.get("kind"))).count(), tasks.toString());
        assertEquals(validUntil, Instant.parse((String) tasks.stream().filter(t -> "QUOTE_FOLLOW_UP".equals(t.get("kind")))
                .findFirst().orElseThrow().get("dueAt")));

        // The guest books the quoted stay in the PMS: lead booked, quote booked, every task of the lead closed.
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.CONFIRMED, clock.now()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> "BOOKED".equals(
                Staff.agent(stay.tenant()).get("/api/v1/leads/" + leadId).then().extract().path("status")));
        JsonPath booked = Staff.agent(stay.tenant()).get("/api/v1/leads/" + leadId).then().extract().jsonPath();
        assertEquals(stay.reservationId(), booked.getString("pmsReservationId"));
        assertEquals("BOOKED", booked.getString("quotes[0].status"));
        assertEquals(List.of("DONE", "DONE"), booked.getList("tasks.status"));
        assertEquals(List.of("BOOKED", "BOOKED"), booked.getList("tasks.outcome"));
        Staff.agent(stay.tenant()).get("/api/v1/tasks/" + callBack).then().body("outcome", equalTo("BOOKED"));
        assertEquals(start.plus(Duration.ofMinutes(20)), Instant.parse(booked.getString("answeredAt")),
                "the quote answered the inquiry");
    }

    @Test
    void theFiguresCountLeadsConversionAndTimeToAnswerPerHotel() {
        Instant start = Instant.parse("2026-11-30T09:00:00Z");
        clock.setNow(start);
        Stay first = Stay.unique("BERLIN");
        String tenant = first.tenant();
        Stay second = new Stay(tenant, "BERLIN", "R2" + UUID.randomUUID().toString().substring(0, 6),
                "other-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com", first.arrival(), first.departure());
        Stay elsewhere = new Stay(tenant, "MUNICH", "R3", "third@example.com", first.arrival(), first.departure());
        JsonPath a = post(first);
        JsonPath b = post(second);
        post(elsewhere);
        // First answered after 30 minutes and booked; second answered after 90 minutes and lost.
        clock.setNow(start.plus(Duration.ofMinutes(30)));
        Staff.agent(tenant).body(Map.of("outcome", "BOOKED")).post("/api/v1/tasks/" + a.getString("tasks[0].id") + "/completion")
                .then().statusCode(200);
        clock.setNow(start.plus(Duration.ofMinutes(90)));
        Staff.agent(tenant).body(Map.of("outcome", "LOST", "reason", "dates"))
                .post("/api/v1/tasks/" + b.getString("tasks[0].id") + "/completion").then().statusCode(200);

        JsonPath kpis = Staff.as(tenant, "viewer").get("/api/v1/desk/kpis?tenant=" + tenant
                + "&from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("BERLIN", "MUNICH"), kpis.getList("hotels.hotelCode"));
        Map<String, Object> berlin = kpis.getMap("hotels[0]");
        assertEquals(2, berlin.get("leadsReceived"));
        assertEquals(1, berlin.get("leadsBooked"));
        assertEquals(1, berlin.get("leadsLost"));
        assertEquals(0.5f, ((Number) berlin.get("conversionRate")).floatValue());
        assertEquals(2, berlin.get("leadsAnswered"));
        assertEquals(60.0f, ((Number) berlin.get("medianMinutesToAnswer")).floatValue());
        assertEquals(60.0f, ((Number) berlin.get("averageMinutesToAnswer")).floatValue());
        Map<String, Object> munich = kpis.getMap("hotels[1]");
        assertEquals(1, munich.get("leadsOpen"));
        assertEquals(0, ((Number) munich.get("leadsBooked")).intValue());
        assertEquals(1, munich.get("tasksOpenNow"));
        // A period without them, and bad parameters.
        Staff.as(tenant, "viewer").get("/api/v1/desk/kpis?tenant=" + tenant + "&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z")
                .then().statusCode(200).body("hotels.findAll { it.leadsReceived > 0 || it.quotesSent > 0 }.size()", equalTo(0))
                .body("hotels.find { it.hotelCode == 'MUNICH' }.tasksOpenNow", equalTo(1));
        Staff.as(tenant, "viewer").get("/api/v1/desk/kpis?tenant=" + tenant + "&from=yesterday").then().statusCode(400)
                .body("invalidParams.name", contains("from"));
    }

    static List<Map<String, Object>> tasksOf(Stay stay, String leadId) {
        return Staff.agent(stay.tenant()).get("/api/v1/leads/" + leadId).then().statusCode(200).extract().jsonPath()
                .getList("tasks");
    }
}
