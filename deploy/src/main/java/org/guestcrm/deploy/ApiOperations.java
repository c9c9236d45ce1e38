package org.guestcrm.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The operations a service declares in its OpenAPI document ({@code /q/openapi?format=json}): method, path template,
 * parameters by where they go, and the request body's content types. {@code ./crm fuzz} reads them from every running
 * service, so an endpoint added to a service is in the fuzz the day it is added, without a line here.
 */
final class ApiOperations {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a parameter goes. */
    enum In { PATH, QUERY, HEADER, COOKIE }

    record Parameter(In in, String name) {
    }

    /** One operation of one service. */
    record Operation(String service, int port, String method, String path, List<Parameter> parameters,
            List<String> contentTypes) {

        /** Pages and links a guest opens (signed links, the preference centre, the survey, the pixel): not the staff APIs. */
        boolean guestFacing() {
            return !path.startsWith("/api/") || path.startsWith("/api/v1/track/") || path.startsWith("/api/v1/unsubscribe");
        }

        String label() {
            return service + " " + method + " " + path;
        }
    }

    private ApiOperations() {
    }

    /** The operations of one OpenAPI 3 document (JSON), in the document's order. */
    static List<Operation> parse(String service, int port, String document) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (java.io.IOException e) {
            throw new StackException("The OpenAPI document of " + service + " is not JSON: " + e.getMessage());
        }
        JsonNode paths = root.path("paths");
        if (!paths.isObject()) {
            throw new StackException("The OpenAPI document of " + service + " has no paths");
        }
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            List<Parameter> shared = parameters(path.getValue().path("parameters"));
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                List<Parameter> parameters = new ArrayList<>(shared);
                parameters.addAll(parameters(op.getValue().path("parameters")));
                List<String> contentTypes = new ArrayList<>();
                op.getValue().path("requestBody").path("content").fieldNames().forEachRemaining(contentTypes::add);
                operations.add(new Operation(service, port, op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        List.copyOf(parameters), List.copyOf(contentTypes)));
            }
        }
        return operations;
    }

    private static List<Parameter> parameters(JsonNode list) {
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode parameter : list) {
            String in = parameter.path("in").asText("");
            String name = parameter.path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            switch (in) {
                case "path" -> parameters.add(new Parameter(In.PATH, name));
                case "query" -> parameters.add(new Parameter(In.QUERY, name));
                case "header" -> parameters.add(new Parameter(In.HEADER, name));
                case "cookie" -> parameters.add(new Parameter(In.COOKIE, name));
                default -> { }
            }
        }
        return parameters;
    }
}
