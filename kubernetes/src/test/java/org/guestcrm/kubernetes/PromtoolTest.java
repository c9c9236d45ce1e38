package org.guestcrm.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' own checker accepts the rules: {@code promtool check rules} (Debian package {@code prometheus}).
 * Without promtool on the PATH the test fails under CI=true and is skipped, saying so, elsewhere.
 */
class PromtoolTest {

    static Path promtool;

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            String message = "promtool is not on the PATH: install it (apt-get install -y prometheus) to check the alert rules";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " (CI=true: required)");
            }
            Assumptions.abort(message);
        }
        promtool = found.get();
    }

    @Test
    void promtoolAcceptsTheRulesFile() throws Exception {
        Result result = checkRules(AlertRulesTest.RULES_FILE);
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    @Test
    void promtoolAcceptsThePrometheusRuleGroups() throws Exception {
        Path file = Manifests.MODULE.resolve("target/prometheusrule-groups.yml");
        Files.createDirectories(file.getParent());
        Manifests.YAML.writeValue(file.toFile(), Map.of("groups", AlertRulesTest.prometheusRuleGroups()));
        Result result = checkRules(file);
        assertEquals(0, result.exit(), result.output());
    }

    @Test
    void promtoolRefusesABrokenRule() throws Exception {
        Path file = Manifests.MODULE.resolve("target/broken-rules.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum by (job (up\n");
        Result result = checkRules(file);
        assertNotEquals(0, result.exit(), "promtool accepted a rule that does not parse: " + result.output());
    }

    record Result(int exit, String output) {
    }

    static Result checkRules(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool did not answer within 60 s");
        }
        return new Result(process.exitValue(), output);
    }
}
