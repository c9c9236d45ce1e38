package org.guestcrm.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Grafana dashboards of deploy/grafana: valid JSON, one Prometheus data source input, and every metric a panel's
 * query names is one the services export (the same scan of the code as the alert rules' check, {@link ExportedMetrics}).
 */
class DashboardTest {

    static final Path DASHBOARDS = Manifests.REPOSITORY.resolve("deploy/grafana");
    static Map<String, String> exported;

    @BeforeAll
    static void exportedNames() {
        exported = ExportedMetrics.all();
    }

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        return panels;
    }

    @Test
    void everyMetricOfEveryPanelIsExportedByTheServices() throws IOException {
        assertFalse(dashboards().isEmpty(), "deploy/grafana holds the dashboard");
        List<String> missing = new ArrayList<>();
        int queries = 0;
        for (Path file : dashboards()) {
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries++;
                    missing.addAll(AlertRulesTest.unknownMetrics(file.getFileName() + " / " + panel.path("title").asText(),
                            target.path("expr").asText(), exported.keySet()));
                }
            }
        }
        assertTrue(queries >= 10, "the dashboard queries lag, feeds, dead letters, outbox and mail: " + queries);
        assertEquals(List.of(), missing, "metrics named by dashboard panels that no service exports");
    }

    @Test
    void theDashboardCoversWhatOperatorsMustSeeAndIsImportable() throws IOException {
        for (Path file : dashboards()) {
            JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
            assertFalse(dashboard.path("uid").asText().isBlank(), file + " has a uid");
            assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").get(0).path("name").asText(),
                    "one Prometheus data source chosen on import");
            Set<Integer> ids = new HashSet<>();
            StringBuilder queries = new StringBuilder();
            for (JsonNode panel : panels(dashboard)) {
                assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + panel.path("id"));
                assertFalse(panel.path("title").asText().isBlank(), "every panel has a title");
                panel.path("targets").forEach(t -> queries.append(t.path("expr").asText()).append('\n'));
            }
            for (String metric : List.of("guestcrm_consumer_lag_state", "guestcrm_consumer_lag_seconds",
                    "guestcrm_feed_silence_seconds", "guestcrm_dead_letters_pending", "guestcrm_outbox_oldest_unsent_age_seconds",
                    "guestcrm_outbox_parked", "guestcrm_journey_mail_deliveries_total")) {
                assertTrue(queries.toString().contains(metric), file.getFileName() + " shows " + metric);
            }
        }
    }
}
