package org.guestcrm.desk.it;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.platform.audit.AuditTrail;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.EndpointSecurityCheck;
import org.guestcrm.testsupport.LocalIdentity;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

/** Every endpoint behind its door; another tenant's lead or task is not found exactly like a missing one; reads audited. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class DoorsTest {

    @TestHTTPResource("/")
    URL base;
    @Inject
    AuditTrail audit;

    @Test
    void everyEndpointOfTheOpenApiDocumentIsBehindItsDoor() throws Exception {
        EndpointSecurityCheck.Report report = new EndpointSecurityCheck(URI.create(base.toString()),
                LocalIdentity.forTests()).run("tenant-" + UUID.randomUUID(), Set.of());
        for (String endpoint : List.of("POST /api/v1/inquiries", "GET /api/v1/tasks", "GET /api/v1/tasks/{taskId}",
                "POST /api/v1/tasks/{taskId}/assignment", "POST /api/v1/tasks/{taskId}/completion", "GET /api/v1/leads",
                "GET /api/v1/leads/{leadId}", "POST /api/v1/leads/{leadId}/quotes", "GET /api/v1/desk/kpis")) {
            assertTrue(report.checked().contains(endpoint), endpoint + " not in " + report.checked());
        }
        // service-platform's tenant-less audit trail answers another tenant's token 200 without this tenant's data,
        // which the check cannot tell from a leak (as in the other services); every desk endpoint passes.
        assertEquals(List.of(), report.violations().stream()
                .filter(v -> !(v.path().equals("/api/v1/audit") && v.status() == 200 && v.check().contains("another tenant")))
                .toList());
    }

    @Test
    void anotherTenantsLeadAndTaskAreNotFoundLikeMissingOnesAndReadsAreAudited() {
        Stay stay = Stay.unique("BERLIN");
        Response created = Staff.agent(stay.tenant()).body(InquiryAndQuoteTest.inquiry(stay))
                .post("/api/v1/inquiries?tenant=" + stay.tenant());
        created.then().statusCode(201);
        String leadId = created.jsonPath().getString("id");
        String taskId = created.jsonPath().getString("tasks[0].id");
        String other = "tenant-other-" + UUID.randomUUID();
        String everyRole = Staff.token(Set.of(other), "intruder", LocalIdentity.ALL_ROLES.toArray(String[]::new));

        for (String path : List.of("/api/v1/leads/" + leadId, "/api/v1/tasks/" + taskId)) {
            Response foreign = given().auth().oauth2(everyRole).get(path);
            Response missing = given().auth().oauth2(everyRole).get(path.replace(path.substring(path.lastIndexOf('/') + 1),
                    UUID.randomUUID().toString()));
            assertEquals(404, foreign.statusCode(), path);
            assertEquals(404, missing.statusCode(), path);
            assertEquals(missing.jsonPath().getString("detail"), foreign.jsonPath().getString("detail"));
            assertFalse(foreign.asString().contains(stay.email()));
        }
        given().auth().oauth2(everyRole).contentType("application/json").body(Map.of("outcome", "DONE"))
                .post("/api/v1/tasks/" + taskId + "/completion").then().statusCode(404);
        given().auth().oauth2(everyRole).get("/api/v1/tasks?tenant=" + stay.tenant()).then().statusCode(404);
        given().auth().oauth2(everyRole).get("/api/v1/desk/kpis?tenant=" + stay.tenant()).then().statusCode(404);
        // The tenant's agent still sees them; a viewer reads leads but not the agents' task list; no token 401.
        Staff.agent(stay.tenant()).get("/api/v1/tasks/" + taskId).then().statusCode(200);
        Staff.as(stay.tenant(), Roles.VIEWER).get("/api/v1/leads/" + leadId).then().statusCode(200);
        Staff.as(stay.tenant(), Roles.VIEWER).get("/api/v1/tasks?tenant=" + stay.tenant()).then().statusCode(403);
        given().get("/api/v1/leads/" + leadId).then().statusCode(401);

        // The read of the guest's lead is in the audit trail, with who read it.
        var entries = audit.find(Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plusSeconds(5),
                Set.of(stay.tenant()), "staff", 100);
        assertTrue(entries.stream().anyMatch(e -> e.action().equals("GET /api/v1/leads/{leadId}")
                && ("leadId=" + leadId).equals(e.targetId()) && e.outcome() == 200), entries.toString());
    }
}
