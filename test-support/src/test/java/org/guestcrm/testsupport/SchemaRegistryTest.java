package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SchemaRegistryTest {

    private static final String GROUP = "guest-crm-test";
    private static final String ARTIFACT = "pms.profiles-value";

    private static final String V1 = """
            {"type":"record","name":"Profile","namespace":"org.guestcrm.test","fields":[
              {"name":"profileId","type":"string"}]}""";
    /** Adds an optional field with a default: readable against v1 data, BACKWARD compatible. */
    private static final String V2_COMPATIBLE = """
            {"type":"record","name":"Profile","namespace":"org.guestcrm.test","fields":[
              {"name":"profileId","type":"string"},
              {"name":"language","type":["null","string"],"default":null}]}""";
    /** Adds a required field without default: cannot read v1 data, not BACKWARD compatible. */
    private static final String V3_INCOMPATIBLE = """
            {"type":"record","name":"Profile","namespace":"org.guestcrm.test","fields":[
              {"name":"profileId","type":"string"},
              {"name":"language","type":["null","string"],"default":null},
              {"name":"tier","type":"string"}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void registersFetchesAndEnforcesBackwardCompatibility() throws Exception {
        SchemaRegistry registry = Timing.timed("apicurio registry (shared, child process)", SchemaRegistry::shared);
        String api = registry.apiUrl();

        HttpResponse<String> info = get(api + "/system/info");
        assertEquals(200, info.statusCode());
        assertTrue(info.body().contains(SchemaRegistry.VERSION), info.body());

        HttpResponse<String> created = post(api + "/groups/" + GROUP + "/artifacts", """
                {"artifactId":"%s","artifactType":"AVRO",
                 "firstVersion":{"version":"1","content":{"content":%s,"contentType":"application/json"}}}"""
                .formatted(ARTIFACT, jsonString(V1)));
        assertEquals(200, created.statusCode(), created.body());

        HttpResponse<String> fetched = get(api + "/groups/" + GROUP + "/artifacts/" + ARTIFACT + "/versions/1/content");
        assertEquals(200, fetched.statusCode());
        assertTrue(fetched.body().contains("\"profileId\""), fetched.body());

        HttpResponse<String> rule = post(api + "/groups/" + GROUP + "/artifacts/" + ARTIFACT + "/rules",
                """
                {"ruleType":"COMPATIBILITY","config":"BACKWARD"}""");
        assertEquals(204, rule.statusCode(), rule.body());

        HttpResponse<String> compatible = postVersion(api, "2", V2_COMPATIBLE);
        assertEquals(200, compatible.statusCode(), compatible.body());

        HttpResponse<String> incompatible = postVersion(api, "3", V3_INCOMPATIBLE);
        // Apicurio 3.3 answers 400 (older versions 409) with a RuleViolationException naming the field
        assertTrue(incompatible.statusCode() == 400 || incompatible.statusCode() == 409, incompatible.statusCode() + " " + incompatible.body());
        assertTrue(incompatible.body().contains("RuleViolationException"), incompatible.body());
        assertTrue(incompatible.body().contains("tier"), incompatible.body());

        HttpResponse<String> versions = get(api + "/groups/" + GROUP + "/artifacts/" + ARTIFACT + "/versions");
        assertTrue(versions.body().contains("\"count\":2"), versions.body());
    }

    private HttpResponse<String> postVersion(String api, String version, String schema) throws Exception {
        return post(api + "/groups/" + GROUP + "/artifacts/" + ARTIFACT + "/versions", """
                {"version":"%s","content":{"content":%s,"contentType":"application/json"}}"""
                .formatted(version, jsonString(schema)));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String jsonString(String raw) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : raw.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
