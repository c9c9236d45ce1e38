package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ApiOperationsTest {

    @Test
    void readsEveryOperationWithItsParametersAndBodyTypes() throws IOException {
        List<ApiOperations.Operation> operations = ApiOperations.parse("journey", 8083, sample());
        assertEquals(List.of("GET /api/v1/kpis/{tenant}", "POST /api/v1/imports", "GET /preferences", "DELETE /preferences"),
                operations.stream().map(o -> o.method() + " " + o.path()).toList());

        ApiOperations.Operation kpis = operations.get(0);
        // The path's shared parameter first, then the operation's own; where each goes is kept.
        assertEquals(List.of(new ApiOperations.Parameter(ApiOperations.In.PATH, "tenant"),
                new ApiOperations.Parameter(ApiOperations.In.QUERY, "from"),
                new ApiOperations.Parameter(ApiOperations.In.HEADER, "X-Trace")), kpis.parameters());
        assertEquals(List.of(), kpis.contentTypes());
        assertEquals(8083, kpis.port());
        assertFalse(kpis.guestFacing(), "a staff API");

        assertEquals(List.of("application/x-ndjson", "text/plain"), operations.get(1).contentTypes());
        // A parameter without a name is not one the fuzz can fill.
        assertEquals(List.of(new ApiOperations.Parameter(ApiOperations.In.COOKIE, "optout_session")),
                operations.get(2).parameters());
        assertTrue(operations.get(2).guestFacing(), "the preference centre is a guest's page");
        assertEquals("journey DELETE /preferences", operations.get(3).label());
    }

    @Test
    void aDocumentThatIsNotOpenApiIsRefusedWithTheServiceNamed() {
        StackException notJson = assertThrows(StackException.class, () -> ApiOperations.parse("desk", 1, "<html>"));
        assertTrue(notJson.getMessage().contains("desk"), notJson.getMessage());
        StackException noPaths = assertThrows(StackException.class, () -> ApiOperations.parse("ops", 1, "{\"openapi\":\"3.1.0\"}"));
        assertTrue(noPaths.getMessage().contains("no paths"), noPaths.getMessage());
    }

    private static String sample() throws IOException {
        try (InputStream in = ApiOperationsTest.class.getResourceAsStream("/openapi/sample.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
