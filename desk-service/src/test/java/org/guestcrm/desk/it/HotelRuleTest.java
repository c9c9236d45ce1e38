package org.guestcrm.desk.it;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.events.ReservationStatus;
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
 * A hotel's desk rule set through the admin API: new leads' call-backs follow it (a stopped clock), keys left out keep
 * the configured value, bad fields are named, removing it brings the configured rule back; admin only to change.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class HotelRuleTest {

    /** Monday 30 November 2026, 10:00 in Berlin. */
    static final Instant MONDAY_10_BERLIN = Instant.parse("2026-11-30T09:00:00Z");

    @Inject
    DeskClock clock;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void aRuleSetThroughTheApiDecidesTheCallBackDueTime() {
        String hotel = "H" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        Stay stay = Stay.unique(hotel);
        String path = "/api/v1/desk/hotels/" + hotel + "/rule?tenant=" + stay.tenant();
        // Configured: the tenant-wide defaults (UTC, 09:00-18:00 Monday to Friday, 2 h, team reservations).
        Staff.as(stay.tenant(), Roles.VIEWER).get(path).then().statusCode(200)
                .body("stored", nullValue()).body("effective.zone", equalTo("UTC"))
                .body("effective.callBackWithin", equalTo("PT2H"));

        Staff.as(stay.tenant(), Roles.ADMIN).body(Map.of("zone", "Europe/Berlin", "opens", "08:00", "closes", "20:00",
                        "callBackWithin", "PT30M", "team", "concierge"))
                .put(path).then().statusCode(200)
                .body("stored.callBackWithin", equalTo("PT30M"))
                .body("effective.zone", equalTo("Europe/Berlin")).body("effective.opens", equalTo("08:00"))
                .body("effective.team", equalTo("concierge"))
                .body("effective.retryAfter", equalTo("PT2H"))
                .body("effective.days", contains("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"));

        clock.setNow(MONDAY_10_BERLIN);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), stay.key(),
                stay.snapshot(1, ReservationStatus.TENTATIVE, MONDAY_10_BERLIN));
        JsonPath tasks = LeadFromReservationTest.awaitTasks(stay, l -> l.getList("id").size() == 1);
        // 30 working minutes after 10:00 Berlin, for team concierge.
        assertEquals(Instant.parse("2026-11-30T09:30:00Z"), Instant.parse(tasks.getString("[0].dueAt")));
        assertEquals("concierge", tasks.getString("[0].team"));

        // Bad fields are named, never echoed; an agent may not change the rule.
        Staff.as(stay.tenant(), Roles.ADMIN).body(Map.of("zone", "Mars/Olympus", "opens", "25:00", "callBackWithin", "soon",
                        "days", java.util.List.of("FUNDAY"), "maxAttempts", 0))
                .put(path).then().statusCode(400)
                .body("invalidParams.name", org.hamcrest.Matchers.containsInAnyOrder("zone", "opens", "callBackWithin", "days", "maxAttempts"));
        Staff.as(stay.tenant(), Roles.ADMIN).body(Map.of("opens", "19:00", "closes", "08:00")).put(path).then().statusCode(400)
                .body("invalidParams.name", contains("closes"));
        Staff.as(stay.tenant(), Roles.AGENT).body(Map.of("team", "x")).put(path).then().statusCode(403);
        Staff.as("other-" + stay.tenant(), Roles.ADMIN).body(Map.of("team", "x")).put(path).then().statusCode(404);

        // Removed: the configured rule again.
        Staff.as(stay.tenant(), Roles.ADMIN).delete(path).then().statusCode(204);
        Staff.as(stay.tenant(), Roles.VIEWER).get(path).then().statusCode(200)
                .body("stored", nullValue()).body("effective.team", equalTo("reservations"));
    }
}
