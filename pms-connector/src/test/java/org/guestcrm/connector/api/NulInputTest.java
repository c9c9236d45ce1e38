package org.guestcrm.connector.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A NUL (or another control character) in a path segment, a query parameter or a header can never be an id and
 * PostgreSQL refuses text holding a NUL: every endpoint of the connector's OpenAPI document, called with {@code %00} in
 * each path parameter (with a staff token of every role and without one), in a query parameter, and a push with a NUL
 * in its headers, answers a 4xx problem body, never a 5xx, and the service stays ready.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class NulInputTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aNulInAnyPathParameterOfAnyEndpointIsA4xxProblemNeverA5xx() throws Exception {
        JsonNode openApi = new ObjectMapper().readTree(Staff.ops().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        List<String> failures = new ArrayList<>();
        int calls = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().contains("{")) {
                continue;
            }
            String template = path.getKey();
            for (String value : List.of("%00", "%00x", "x%00", "%01x")) {
                String raw = template.replaceAll("\\{[^}]+}", value);
                for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                    String method = methods.next().toUpperCase();
                    if (!List.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                        continue;
                    }
                    for (boolean withToken : List.of(true, false)) {
                        RequestSpecification request = (withToken
                                ? Staff.as("*", "admin", "ops", "viewer", "agent") : given())
                                .urlEncodingEnabled(false)
                                .contentType("application/json").body("{}");
                        if (!withToken) {
                            request.header("Authorization", "Bearer demo");
                        }
                        Response response = request.request(method, raw);
                        calls++;
                        int status = response.statusCode();
                        String type = response.contentType() == null ? "" : response.contentType();
                        if (status >= 500) {
                            failures.add(method + " " + raw + (withToken ? " (staff)" : " (feed token)") + " -> " + status);
                        } else if (status == 400 && !type.startsWith("application/problem+json")) {
                            failures.add(method + " " + raw + " -> 400 without a problem body (" + type + ")");
                        } else if (status == 400 && !response.asString().contains("invalidParams")) {
                            failures.add(method + " " + raw + " -> 400 not naming the parameter: " + response.asString());
                        }
                    }
                }
            }
        }
        System.out.println("NUL path parameter calls: " + calls);
        assertTrue(calls > 100, "the walk reached the connector's endpoints: " + calls);
        assertEquals(List.of(), failures);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theFuzzRunsCaseIsA400NamingFeedIdAndANulInAQueryParameterIsA400NamingIt() {
        Response push = given().urlEncodingEnabled(false).header("Authorization", "Bearer demo")
                .contentType("application/xml").body("<OTA_HotelResNotifRQ/>").post("/api/v1/feeds/%00x/ota");
        assertEquals(400, push.statusCode(), push.asString());
        assertTrue(push.contentType().startsWith("application/problem+json"), push.contentType());
        assertEquals("feedId", push.jsonPath().getString("invalidParams[0].name"));

        Response staff = Staff.admin("*").urlEncodingEnabled(false)
                .get("/api/v1/feeds/%00x/write-backs?state=PENDING");
        assertEquals(400, staff.statusCode(), staff.asString());
        assertEquals("feedId", staff.jsonPath().getString("invalidParams[0].name"));

        String feedId = "nul-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin("nul-tenant").contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=nul-tenant").then().statusCode(201);
        Response query = Staff.admin("nul-tenant").urlEncodingEnabled(false)
                .get("/api/v1/feeds/" + feedId + "/write-backs?state=PEN%00DING");
        assertEquals(400, query.statusCode(), query.asString());
        assertEquals("state", query.jsonPath().getString("invalidParams[0].name"));
        Response tenant = Staff.admin("*").urlEncodingEnabled(false).contentType("application/json")
                .body("{\"feedId\": \"nul-x\", \"deliveryMode\": \"CANONICAL_JSON\"}").post("/api/v1/feeds?tenant=a%00b");
        assertEquals(400, tenant.statusCode(), tenant.asString());
        assertEquals("tenant", tenant.jsonPath().getString("invalidParams[0].name"));
    }

    @Test
    void theFuzzRunsPushGridWithANulFeedIdNeverAnswersA5xx() {
        List<String> failures = new ArrayList<>();
        java.util.Arrays.asList(null, "text/plain", "application/xml; charset=klingon", "application/json; charset=klingon",
                "multipart/form-data; boundary=xx", "application/json", "application/xml").forEach(type -> {
            for (String auth : java.util.Arrays.asList(null, "Basic ZGVtbzpkZW1v", "Bearer  demo", "bearer demo",
                    "Bearer " + "demo".repeat(1500))) {
                for (String push : List.of("/ota", "/reservations", "/reservations/batch", "/apaleo", "/mews", "/files",
                        "/imports")) {
                    for (String segment : List.of("%00", "%00x", "demo%00")) {
                        RequestSpecification request = given().urlEncodingEnabled(false)
                                .body("<x>\u0000</x>".getBytes(StandardCharsets.UTF_8));
                        if (type != null) {
                            request.contentType(type);
                        }
                        if (auth != null) {
                            request.header("Authorization", auth);
                        }
                        Response response = request.post("/api/v1/feeds/" + segment + push);
                        if (response.statusCode() >= 500) {
                            failures.add("POST /api/v1/feeds/" + segment + push + " [" + type + ", "
                                    + (auth == null ? "no auth" : auth.substring(0, Math.min(12, auth.length()))) + "] -> "
                                    + response.statusCode());
                        }
                    }
                }
            }
        });
        // the fuzz run's staff door: GET /api/v1/feeds/<segment> with each of its Authorization variants
        String admin = "Bearer " + Staff.token("*", "admin");
        for (String auth : java.util.Arrays.asList(null, "Basic ZGVtbzpkZW1v", admin.replace("Bearer ", "Bearer  "),
                admin.replace("Bearer", "bearer"), admin, "Bearer " + "demo".repeat(1500))) {
            for (String segment : List.of("%00", "%00x", "demo%00", "%00/credentials", "%00/write-backs")) {
                RequestSpecification request = given().urlEncodingEnabled(false);
                if (auth != null) {
                    request.header("Authorization", auth);
                }
                Response response = request.get("/api/v1/feeds/" + segment);
                if (response.statusCode() >= 500) {
                    failures.add("GET /api/v1/feeds/" + segment + " -> " + response.statusCode());
                }
            }
        }
        assertEquals(List.of(), failures);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aNulInAHeaderOfAPushIsRefusedWithoutA5xx() throws Exception {
        String feedId = "nul-h-" + UUID.randomUUID().toString().substring(0, 8);
        Staff.admin("nul-tenant").contentType("application/json")
                .body("{\"feedId\": \"" + feedId + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=nul-tenant").then().statusCode(201);
        String token = Staff.admin("nul-tenant").contentType("application/json").body("{\"kind\": \"BEARER\"}")
                .post("/api/v1/feeds/{feedId}/credentials", feedId).then().statusCode(201).extract().path("secret");
        for (String header : List.of("Authorization: Bearer " + token.substring(0, 5) + "\u0000" + token.substring(5),
                "X-Signature: sha256=\u0000", "X-Signature-Timestamp: 1\u00002", "Content-Type: application/js\u0000on",
                "Idempotency-Key: a\u0000b")) {
            String status = rawPost("/api/v1/feeds/" + feedId + "/reservations", header, token);
            assertFalse(status.isEmpty(), header + ": no answer");
            int code = Integer.parseInt(status.split(" ")[1]);
            assertTrue(code >= 400 && code < 500, header.substring(0, header.indexOf(':')) + " -> " + status);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** The status line of a POST sent over a plain socket (HTTP clients refuse to send a NUL in a header). */
    private String rawPost(String path, String header, String token) throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + (header.startsWith("Content-Type") ? "" : "Content-Type: application/json\r\n")
                    + (header.startsWith("Authorization") ? "" : "Authorization: Bearer " + token + "\r\n")
                    + header + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
