package org.guestcrm.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The alert rules name only metrics the services really export, with label values the code really sets. */
class AlertRulesTest {

    static final Path RULES_FILE = Manifests.MODULE.resolve("prometheus/guestcrm-alerts.yml");
    static Map<String, String> exported;

    @BeforeAll
    static void exportedNames() throws IOException {
        exported = ExportedMetrics.all();
        // For the reader of a failure: every exported name and where it comes from.
        Path list = Manifests.MODULE.resolve("target/exported-metrics.txt");
        Files.createDirectories(list.getParent());
        Files.write(list, exported.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "  <- " + e.getValue()).toList());
    }

    static List<JsonNode> rules(JsonNode groups) {
        List<JsonNode> rules = new ArrayList<>();
        groups.forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    static JsonNode plainGroups() {
        return Manifests.read(RULES_FILE).getFirst().tree().path("groups");
    }

    static JsonNode prometheusRuleGroups() {
        return Manifests.find(Manifests.base(), "PrometheusRule", "guestcrm-alerts").orElseThrow().tree()
                .path("spec").path("groups");
    }

    @Test
    void thePrometheusRuleCarriesTheSameGroupsAsTheRulesFile() {
        Map<String, JsonNode> plain = new java.util.TreeMap<>();
        Map<String, JsonNode> resource = new java.util.TreeMap<>();
        rules(plainGroups()).forEach(rule -> plain.put(rule.path("alert").asText(), rule));
        rules(prometheusRuleGroups()).forEach(rule -> resource.put(rule.path("alert").asText(), rule));
        List<String> differ = new ArrayList<>();
        Set<String> alerts = new java.util.TreeSet<>(plain.keySet());
        alerts.addAll(resource.keySet());
        for (String alert : alerts) {
            if (!java.util.Objects.equals(plain.get(alert), resource.get(alert))) {
                differ.add(alert);
            }
        }
        assertEquals(List.of(), differ, "alerts that differ between base/monitoring/prometheusrule.yaml and prometheus/guestcrm-alerts.yml");
        assertEquals(plainGroups(), prometheusRuleGroups(), "the groups (names, order) of the two files");
    }

    @Test
    void theRulesCoverWhatOperatorsMustSee() {
        List<String> names = rules(plainGroups()).stream().map(r -> r.path("alert").asText()).toList();
        for (String required : List.of("GuestCrmFeedSilent", "GuestCrmConsumerLagGrowing", "GuestCrmDeadLetters",
                "GuestCrmOutboxStuck", "GuestCrmOutboxParked", "GuestCrmSmtpFailing", "GuestCrmConsumerFallingBehind",
                "GuestCrmConsumerNotConsuming", "GuestCrmDeadLettersPending", "GuestCrmFeedSilenceSeen")) {
            assertTrue(names.contains(required), "missing alert " + required + " in " + names);
        }
        for (JsonNode rule : rules(plainGroups())) {
            assertFalse(rule.path("labels").path("severity").asText().isBlank(), rule.path("alert") + " has no severity");
            assertFalse(rule.path("annotations").path("summary").asText().isBlank(), rule.path("alert") + " has no summary");
        }
    }

    @Test
    void everyMetricOfEveryRuleIsExportedByTheServices() {
        assertTrue(exported.containsKey("guestcrm_intake_records_total"), "the scan found the platform's meters: " + exported.keySet());
        assertTrue(exported.containsKey("kafka_consumer_fetch_manager_records_lag"), "the Kafka binder's names: " + exported.keySet());
        List<String> missing = new ArrayList<>();
        for (JsonNode rule : rules(plainGroups())) {
            missing.addAll(unknownMetrics(rule.path("alert").asText(), rule.path("expr").asText(), exported.keySet()));
        }
        assertEquals(List.of(), missing, "metrics named by alert rules that no service exports");
    }

    @Test
    void everyLabelValueARuleMatchesIsOneTheCodeSets() {
        List<String> missing = new ArrayList<>();
        for (JsonNode rule : rules(plainGroups())) {
            PromQl.matchedValues(rule.path("expr").asText()).forEach((metric, labels) -> {
                String origin = exported.get(metric);
                if (origin == null || origin.startsWith("kafka-clients")) {
                    return;
                }
                String module = Path.of(origin).getName(0).toString();
                String code = moduleSources(module);
                labels.forEach((label, values) -> values.forEach(value -> {
                    boolean literal = code.contains("\"" + value + "\"");
                    boolean enumConstant = Pattern.compile("\\b" + Pattern.quote(value.toUpperCase()) + "\\b").matcher(code).find();
                    if (!literal && !enumConstant) {
                        missing.add(rule.path("alert").asText() + ": " + metric + "{" + label + "=\"" + value + "\"} (not set in " + module + ")");
                    }
                }));
            });
        }
        assertEquals(List.of(), missing, "label values no service sets");
    }

    @Test
    void aRuleNamingAMetricNoServiceExportsIsReported() {
        List<String> missing = unknownMetrics("Invented",
                "sum by (job) (rate(guestcrm_outbox_sent_total[5m])) > 0 and on (job) guestcrm_outbox_lost_rows > 0",
                exported.keySet());
        assertEquals(List.of("Invented: guestcrm_outbox_lost_rows"), missing);
    }

    @Test
    void metricNamesAreFoundInExpressions() {
        assertEquals(Set.of("connector_inbound_messages_total", "guestcrm_outbox_parked"),
                PromQl.metricNames("sum by (namespace, feed) (increase(connector_inbound_messages_total{outcome=~\"a|b\"}[1d] offset 2h))"
                        + " == 0 and on (namespace, feed) max without (pod) (guestcrm_outbox_parked) > 1e3"));
        assertEquals(Map.of("m_total", Map.of("outcome", Set.of("sent", "failed"))),
                PromQl.matchedValues("rate(m_total{outcome=~\"sent|failed\",job!=\"x\"}[5m])"));
    }

    static List<String> unknownMetrics(String alert, String expression, Set<String> known) {
        return PromQl.metricNames(expression).stream().filter(name -> !known.contains(name))
                .map(name -> alert + ": " + name).toList();
    }

    private static String moduleSources(String module) {
        StringBuilder all = new StringBuilder();
        for (Path source : ExportedMetrics.serviceSources()) {
            if (Manifests.REPOSITORY.relativize(source).startsWith(module)) {
                try {
                    all.append(Files.readString(source)).append('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return all.toString();
    }
}
