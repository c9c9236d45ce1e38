package org.guestcrm.platform.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The framework's own refusals carry problem bodies in every service: an unmatched path (Vert.x had answered an HTML
 * page), a method the resource does not answer, a content type it does not take.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class FrameworkProblemsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response::body);
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("")
                .split(";")[0], response.headers()::toString);
        JsonNode body = JSON.readTree(response.body());
        assertEquals(status, body.path("status").asInt(), response::body);
        assertTrue(body.path("detail").asText().length() > 10, response::body);
        return body;
    }

    @Test
    void anUnmatchedPathAnswers404WithAProblemBody() throws Exception {
        JsonNode body = problem(send("GET", "/no/such/resource", null, null), 404);
        assertEquals("/no/such/resource", body.path("instance").asText());
        JsonNode inApi = problem(send("GET", "/api/v1/no-such-thing", null, null), 404);
        assertEquals("/api/v1/no-such-thing", inApi.path("instance").asText());
        // A hostile, very long path comes back cut and escaped, never as markup.
        String longPath = "/x" + "%3Cscript%3E".repeat(100);
        JsonNode cut = problem(send("GET", longPath, null, null), 404);
        assertTrue(cut.path("instance").asText().length() <= 200, cut::toString);
    }

    @Test
    void aWrongMethodAnswers405AndAWrongContentType415WithProblemBodies() throws Exception {
        // (RESTEasy's NotAllowedException carries no Allow header here; the mapper passes one on when it does.)
        problem(send("GET", "/api/v1/probe-strict", null, null), 405);
        problem(send("POST", "/api/v1/probe-strict", "text/csv", "a,b"), 415);
        assertEquals(202, send("POST", "/api/v1/probe-strict", "application/json", "{}").statusCode());
    }

    @Test
    void aBodyTheJsonReaderCannotReadAnswers400NamingTheFieldNeverItsValue() throws Exception {
        // Not JSON at all: the reader wraps the parse failure in a bare 400, which used to go out without a body.
        JsonNode notJson = problem(send("POST", "/api/v1/probe-strict/typed", "application/json", "guest@example.com garbage"), 400);
        assertEquals("body", notJson.path("invalidParams").path(0).path("name").asText(), notJson::toString);
        assertFalse(notJson.toString().contains("guest@example.com"), notJson::toString);
        // A field of the wrong type, also inside an array: its path is named.
        JsonNode wrongType = problem(send("POST", "/api/v1/probe-strict/typed", "application/json",
                "{\"name\":\"a\",\"count\":{\"x\":1}}"), 400);
        assertEquals("count", wrongType.path("invalidParams").path(0).path("name").asText(), wrongType::toString);
        JsonNode inArray = problem(send("POST", "/api/v1/probe-strict/typed", "application/json",
                "{\"sizes\":[1,\"secret-value\"]}"), 400);
        assertEquals("sizes[1]", inArray.path("invalidParams").path(0).path("name").asText(), inArray::toString);
        assertFalse(inArray.toString().contains("secret-value"), inArray::toString);
        assertEquals(202, send("POST", "/api/v1/probe-strict/typed", "application/json", "{\"name\":\"a\",\"count\":2}").statusCode());
    }

    @Test
    void aFormBodyThatDoesNotDecodeOrNamesAnUnknownCharsetIsTheCallersNotA500() throws Exception {
        String form = "application/x-www-form-urlencoded";
        assertEquals(202, send("POST", "/api/v1/probe-strict/form", form, "name=a%20b").statusCode());
        // A bad escape (and random bytes, which ./crm fuzz sent): 400 naming the body, never its text.
        JsonNode badEscape = problem(send("POST", "/api/v1/probe-strict/form", form, "name=guest%zz@example.com"), 400);
        assertEquals("body", badEscape.path("invalidParams").path(0).path("name").asText(), badEscape::toString);
        assertFalse(badEscape.toString().contains("example.com"), badEscape::toString);
        // A charset nobody knows (or a name that is no charset name): 415 naming the header.
        JsonNode unknown = problem(send("POST", "/api/v1/probe-strict/form", form + "; charset=klingon", "name=a%20b"), 415);
        assertEquals("Content-Type", unknown.path("invalidParams").path(0).path("name").asText(), unknown::toString);
        problem(send("POST", "/api/v1/probe-strict/form", form + "; charset=\"\u00e9?\"", "name=a%20b"), 415);
        // The same for a form read whole as a map (a message body reader, not the form handler).
        assertEquals(202, send("POST", "/api/v1/probe-strict/form-map", form, "name=a%20b").statusCode());
        JsonNode mapBadEscape = problem(send("POST", "/api/v1/probe-strict/form-map", form, "name=guest%zz@example.com"), 400);
        assertEquals("body", mapBadEscape.path("invalidParams").path(0).path("name").asText(), mapBadEscape::toString);
        problem(send("POST", "/api/v1/probe-strict/form-map", form + "; charset=klingon", "name=a%20b"), 415);
    }
}
