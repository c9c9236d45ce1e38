package org.guestcrm.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Every YAML document of the module reads as its typed model (unknown fields fail); the kustomizations hold together. */
class ManifestModelTest {

    static boolean isKustomization(Path file) {
        return file.getFileName().toString().equals("kustomization.yaml");
    }

    static boolean isRulesFile(Path file) {
        return Manifests.MODULE.relativize(file).startsWith("prometheus");
    }

    @Test
    void everyManifestParsesIntoItsTypedModel() {
        List<String> problems = new ArrayList<>();
        int documents = 0;
        for (Path file : Manifests.yamlFiles()) {
            if (isKustomization(file) || isRulesFile(file)) {
                continue;
            }
            for (Manifests.Document document : Manifests.read(file)) {
                documents++;
                problems.addAll(Manifests.problems(document));
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(documents > 40, "read only " + documents + " documents");
    }

    @Test
    void aMisspelledFieldIsAnError() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                        - name: typo
                          image: typo
                          readinesProbe:
                            httpGet: {path: /q/health/ready, port: 8080}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata:
                  name: typo
                spec:
                  partition: 3
                ---
                apiVersion: example.com/v1
                kind: Unknown
                metadata:
                  name: unknown
                """;
        List<String> problems = Manifests.read(deployment).stream().flatMap(d -> Manifests.problems(d).stream()).toList();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("unknown field spec.template.spec.containers[0].readinesProbe"), problems.get(0));
        assertTrue(problems.get(1).endsWith("unknown field spec.partition"), problems.get(1));
        assertTrue(problems.get(2).contains("example.com/v1/Unknown"), problems.get(2));
    }

    @Test
    void everyKustomizationNamesFilesThatExist() {
        List<String> problems = new ArrayList<>();
        for (Path file : Manifests.yamlFiles().stream().filter(ManifestModelTest::isKustomization).toList()) {
            JsonNode kustomization = Manifests.read(file).getFirst().tree();
            String where = Manifests.MODULE.relativize(file).toString();
            if (!kustomization.path("apiVersion").asText().equals("kustomize.config.k8s.io/v1beta1")
                    || !kustomization.path("kind").asText().equals("Kustomization")) {
                problems.add(where + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
            }
            List<String> paths = new ArrayList<>();
            kustomization.path("resources").forEach(r -> paths.add(r.asText()));
            kustomization.path("patches").forEach(p -> {
                if (p.has("path")) {
                    paths.add(p.path("path").asText());
                }
            });
            for (String path : paths) {
                if (!Files.exists(file.getParent().resolve(path))) {
                    problems.add(where + ": " + path + " does not exist");
                }
            }
            // Secrets: generated from env files that never enter git; each must have its committed template.
            kustomization.path("secretGenerator").forEach(generator -> generator.path("envs").forEach(env -> {
                if (!Files.exists(file.getParent().resolve(env.asText() + ".example"))) {
                    problems.add(where + ": secret " + generator.path("name").asText() + " has no " + env.asText() + ".example");
                }
            }));
        }
        assertEquals(List.of(), problems);
    }

    /** kubectl's built-in Kustomize renders the base and the overlay; each rendered object parses as well. */
    @Test
    void theBaseAndTheOverlayRenderIntoValidObjects() throws Exception {
        for (String directory : List.of("base", "overlays/group-scale")) {
            List<Manifests.Document> rendered = render(directory);
            List<String> problems = rendered.stream().flatMap(d -> Manifests.problems(d).stream()).toList();
            assertEquals(List.of(), problems, directory);
            assertFalse(Manifests.ofKind(rendered, "KafkaTopic").isEmpty(), directory + " renders no KafkaTopic");
            assertTrue(rendered.stream().allMatch(d -> d.kind().equals("Namespace")
                    || d.tree().path("metadata").path("namespace").asText().equals("guestcrm")), directory);
        }
    }

    static List<Manifests.Document> render(String directory) throws IOException, InterruptedException {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH: the rendered base and overlay are not checked");
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", Manifests.MODULE.resolve(directory).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + directory + " did not finish");
        assertEquals(0, process.exitValue(), "kubectl kustomize " + directory + " failed");
        return Manifests.read(yaml);
    }
}
