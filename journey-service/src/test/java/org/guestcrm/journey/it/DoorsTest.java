package org.guestcrm.journey.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.EndpointSecurityCheck;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Who may see a reservation's communications: every endpoint behind its door, tenants isolated. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class DoorsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyEndpointOfTheOpenApiDocumentIsBehindItsDoor() throws Exception {
        EndpointSecurityCheck.Report report = new EndpointSecurityCheck(URI.create(base.toString()),
                LocalIdentity.forTests()).run("tenant-" + UUID.randomUUID(), Set.of("/survey/", "/api/v1/track/"));
        assertFalse(report.checked().isEmpty(), "the check walked the service's endpoints");
        assertTrue(report.checked().contains(
                "GET /api/v1/reservations/{tenant}/{hotelCode}/{pmsReservationId}/communications"),
                report.checked().toString());
        // service-platform's GET /api/v1/audit is tenant-less and scoped by the token: a token of another tenant gets
        // 200 with none of this tenant's entries, which the check cannot tell from a leak (reported to the platform,
        // as profile-service and optout-service do). Every endpoint of this service itself passes.
        // POST /api/v1/campaigns creates in the token's own tenant (no tenant in the path): another tenant's token with the
        // check's body "{}" gets the validation problem (400, naming the missing fields, no data of any tenant); the
        // campaign endpoints with an id answer 404 to it like any unknown id.
        assertTrue(report.checked().contains("POST /api/v1/campaigns/{id}/launch"), report.checked().toString());
        // The survey page (/survey/{token}) is the guests' door: a signed link, no staff token (SurveyPageTest).
        assertFalse(report.checked().stream().anyMatch(path -> path.contains("/survey/")), report.checked().toString());
        // So are the open pixel and click redirect of sent mails (signed links, TrackingTest).
        assertFalse(report.checked().stream().anyMatch(path -> path.contains("/api/v1/track/")),
                report.checked().toString());
        assertEquals(List.of(), report.violations().stream()
                .filter(v -> !(v.path().equals("/api/v1/audit") && v.status() == 200
                        && v.check().contains("another tenant")))
                .filter(v -> !(v.path().equals("/api/v1/campaigns") && v.status() == 400
                        && v.check().contains("another tenant")))
                .toList());
    }

    @Test
    void anotherTenantsReservationIsNotFoundExactlyLikeAMissingOne() {
        Booking booking = Booking.unique();
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                Staff.viewer(booking.tenant()).get(booking.communicationsPath()).statusCode() == 200);

        String otherTenant = "tenant-other-" + UUID.randomUUID();
        Response foreign = Staff.viewer(otherTenant).get(booking.communicationsPath());
        String missingPath = "/api/v1/reservations/" + booking.tenant() + "/" + booking.hotelCode() + "/"
                + booking.reservationId() + "0/communications";
        Response missing = Staff.viewer(booking.tenant()).get(missingPath);
        assertEquals(404, foreign.statusCode());
        assertEquals(404, missing.statusCode());
        assertEquals(missing.contentType(), foreign.contentType());
        assertEquals(missing.jsonPath().getString("title"), foreign.jsonPath().getString("title"));
        assertEquals(missing.jsonPath().getString("type"), foreign.jsonPath().getString("type"));
        assertEquals(missing.jsonPath().getString("detail").replace(booking.reservationId() + "0",
                booking.reservationId()), foreign.jsonPath().getString("detail"));
        // Even with every role and for every role that reads.
        given().auth().oauth2(Staff.token(Set.of(otherTenant), LocalIdentity.ALL_ROLES.toArray(String[]::new)))
                .get(booking.communicationsPath()).then().statusCode(404);
        for (String role : List.of(Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN)) {
            Staff.as(booking.tenant(), role).get(booking.communicationsPath()).then().statusCode(200)
                    .body("size()", equalTo(5));
        }
        // A token of several tenants including this one, and an operator of every tenant ("*"), may read.
        given().auth().oauth2(Staff.token(Set.of(otherTenant, booking.tenant()), Roles.VIEWER))
                .get(booking.communicationsPath()).then().statusCode(200);
        given().auth().oauth2(Staff.token(Set.of("*"), Roles.VIEWER)).get(booking.communicationsPath()).then()
                .statusCode(200);
        // No token 401; a role that does not read (ops) 403.
        given().get(booking.communicationsPath()).then().statusCode(401);
        Staff.as(booking.tenant(), Roles.OPS).get(booking.communicationsPath()).then().statusCode(403);
    }
}
