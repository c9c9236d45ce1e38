package org.guestcrm.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.guestcrm.schemas.Topic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/** The manifests agree with each other, with the topic catalogue and with the services' own configuration. */
class CrossReferenceTest {

    static final List<Manifests.Document> BASE = Manifests.base();

    static Map<String, KafkaTopic> topics(List<Manifests.Document> documents) {
        Map<String, KafkaTopic> topics = new HashMap<>();
        for (Manifests.Document d : Manifests.ofKind(documents, "KafkaTopic")) {
            KafkaTopic topic = d.as(KafkaTopic.class);
            String name = topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
            topics.put(name, topic);
        }
        return topics;
    }

    static Deployment deployment(String name) {
        return Manifests.find(BASE, "Deployment", name).orElseThrow(() -> new AssertionError("no Deployment " + name))
                .as(Deployment.class);
    }

    static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    @Test
    void everyTopicOfTheCatalogueAndItsDeadLetterTopicIsAKafkaTopic() {
        Map<String, KafkaTopic> topics = topics(BASE);
        Set<String> expected = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            expected.add(topic.topicName());
            expected.add(topic.deadLetterTopicName());
            KafkaTopic kafkaTopic = topics.get(topic.topicName());
            KafkaTopic deadLetters = topics.get(topic.deadLetterTopicName());
            if (kafkaTopic == null || deadLetters == null) {
                problems.add(topic.topicName() + (kafkaTopic == null ? "" : ".dlq") + " has no KafkaTopic");
                continue;
            }
            String policy = String.valueOf(kafkaTopic.getSpec().getConfig().get("cleanup.policy"));
            if (topic.compacted() != policy.contains("compact")) {
                problems.add(topic.topicName() + ": the catalogue says compacted=" + topic.compacted() + ", cleanup.policy=" + policy);
            }
            if (String.valueOf(deadLetters.getSpec().getConfig().get("cleanup.policy")).contains("compact")) {
                problems.add(topic.deadLetterTopicName() + " is compacted: it would lose a key's earlier failures");
            }
            if (kafkaTopic.getMetadata().getLabels() == null
                    || !"guestcrm".equals(kafkaTopic.getMetadata().getLabels().get("strimzi.io/cluster"))) {
                problems.add(topic.topicName() + " is not labelled strimzi.io/cluster=guestcrm");
            }
        }
        assertEquals(List.of(), problems);
        // Beside the catalogue: the operations record of replayed and discarded dead letters (service-platform's
        // DeadLetterActions), compacted.
        expected.add("crm.dead-letter-actions");
        assertEquals("compact", String.valueOf(topics.get("crm.dead-letter-actions").getSpec().getConfig().get("cleanup.policy")));
        assertEquals(expected, new TreeSet<>(topics.keySet()), "KafkaTopics beside the catalogue's");
    }

    /** The topics a channel property names: {@code ...topic=a} or SmallRye's list form {@code ...topics=a,b,c}. */
    static List<String> consumedTopics(String key, String value) {
        if (!key.startsWith("mp.messaging.")) {
            return List.of();
        }
        if (key.endsWith(".topic")) {
            return List.of(value.trim());
        }
        if (key.endsWith(".topics")) {
            return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        }
        return List.of();
    }

    @Test
    void everyTopicAServiceConsumesExists() {
        Map<String, KafkaTopic> topics = topics(BASE);
        List<String> missing = new ArrayList<>();
        for (String service : ServiceModules.SERVICES) {
            ServiceModules.properties(service).forEach((key, value) -> {
                for (String topic : consumedTopics(key, value)) {
                    if (!topics.containsKey(topic)) {
                        missing.add(service + " " + key + "=" + topic);
                    }
                }
            });
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everySecretAndConfigMapADeploymentReadsIsDeclared() {
        Map<String, Set<String>> configMaps = new HashMap<>();
        for (Manifests.Document d : Manifests.ofKind(BASE, "ConfigMap")) {
            Set<String> keys = new TreeSet<>();
            d.tree().path("data").fieldNames().forEachRemaining(keys::add);
            configMaps.put(d.name(), keys);
        }
        Map<String, Set<String>> secrets = declaredSecrets();
        List<String> problems = new ArrayList<>();
        for (Manifests.Document d : Manifests.ofKind(BASE, "Deployment")) {
            Container container = container(d.as(Deployment.class));
            for (EnvFromSource from : container.getEnvFrom()) {
                if (from.getConfigMapRef() != null && !configMaps.containsKey(from.getConfigMapRef().getName())) {
                    problems.add(d.name() + ": envFrom ConfigMap " + from.getConfigMapRef().getName() + " is not declared");
                }
                if (from.getSecretRef() != null && !secrets.containsKey(from.getSecretRef().getName())) {
                    problems.add(d.name() + ": envFrom Secret " + from.getSecretRef().getName() + " is not declared");
                }
            }
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() == null) {
                    continue;
                }
                var secret = env.getValueFrom().getSecretKeyRef();
                if (secret != null && !secrets.getOrDefault(secret.getName(), Set.of()).contains(secret.getKey())) {
                    problems.add(d.name() + ": " + env.getName() + " reads " + secret.getName() + "/" + secret.getKey()
                            + ", which no Secret declares (declared: " + secrets.keySet() + ")");
                }
                var configMap = env.getValueFrom().getConfigMapKeyRef();
                if (configMap != null && !configMaps.getOrDefault(configMap.getName(), Set.of()).contains(configMap.getKey())) {
                    problems.add(d.name() + ": " + env.getName() + " reads ConfigMap " + configMap.getName() + "/" + configMap.getKey());
                }
            }
        }
        ServiceMonitor monitor = Manifests.ofKind(BASE, "ServiceMonitor").getFirst().as(ServiceMonitor.class);
        for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
            var credentials = endpoint.getAuthorization().getCredentials();
            if (!secrets.getOrDefault(credentials.getName(), Set.of()).contains(credentials.getKey())) {
                problems.add("ServiceMonitor: bearer token " + credentials.getName() + "/" + credentials.getKey() + " is not declared");
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * Secrets with their keys: those of kubernetes/secrets (generated from the env files whose templates are committed)
     * and those the operators create for a declared resource (CloudNativePG: {@code <cluster>-app}).
     */
    static Map<String, Set<String>> declaredSecrets() {
        Map<String, Set<String>> secrets = new HashMap<>();
        Path directory = Manifests.MODULE.resolve("secrets");
        JsonNode kustomization = Manifests.read(directory.resolve("kustomization.yaml")).getFirst().tree();
        for (JsonNode generator : kustomization.path("secretGenerator")) {
            Set<String> keys = new TreeSet<>();
            for (JsonNode env : generator.path("envs")) {
                try {
                    for (String line : Files.readAllLines(directory.resolve(env.asText() + ".example"))) {
                        if (!line.isBlank() && !line.startsWith("#") && line.contains("=")) {
                            keys.add(line.substring(0, line.indexOf('=')).trim());
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            secrets.put(generator.path("name").asText(), keys);
        }
        for (Manifests.Document cluster : Manifests.ofKind(BASE, "Cluster")) {
            secrets.put(cluster.name() + "-app", Set.of("username", "password", "host", "port", "dbname", "uri", "jdbc-uri", "pgpass"));
        }
        for (Manifests.Document secret : Manifests.ofKind(BASE, "Secret")) {
            Set<String> keys = new TreeSet<>();
            secret.tree().path("data").fieldNames().forEachRemaining(keys::add);
            secret.tree().path("stringData").fieldNames().forEachRemaining(keys::add);
            secrets.put(secret.name(), keys);
        }
        return secrets;
    }

    @Test
    void everyCredentialIsASecretReference() {
        Map<String, List<String>> required = Map.of(
                "pms-connector", List.of("QUARKUS_DATASOURCE_PASSWORD", "CONNECTOR_CREDENTIALS_ENCRYPTION_KEY"),
                "profile-service", List.of("QUARKUS_DATASOURCE_PASSWORD"),
                "journey-service", List.of("QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_MAILER_PASSWORD", "GUESTCRM_SIGNED_LINKS_KEYS"),
                "optout-service", List.of("QUARKUS_DATASOURCE_PASSWORD", "GUESTCRM_SIGNED_LINKS_KEYS"));
        List<String> problems = new ArrayList<>();
        for (Manifests.Document d : Manifests.ofKind(BASE, "Deployment")) {
            Container container = container(d.as(Deployment.class));
            Set<String> fromSecrets = new LinkedHashSet<>();
            for (EnvVar env : container.getEnv()) {
                boolean secret = env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null;
                if (secret) {
                    fromSecrets.add(env.getName());
                } else if (env.getName().matches(".*(PASSWORD|SECRET|TOKEN|_KEY|_KEYS|USERNAME)$")) {
                    problems.add(d.name() + ": " + env.getName() + " is a credential but not read from a Secret");
                }
            }
            for (Manifests.Document configMap : Manifests.ofKind(BASE, "ConfigMap")) {
                configMap.tree().path("data").fieldNames().forEachRemaining(key -> {
                    if (key.matches(".*(PASSWORD|SECRET|TOKEN|_KEY|_KEYS)$")) {
                        problems.add("ConfigMap " + configMap.name() + " holds the credential " + key);
                    }
                });
            }
            for (String name : required.getOrDefault(d.name(), List.of())) {
                if (!fromSecrets.contains(name)) {
                    problems.add(d.name() + ": " + name + " must come from a Secret");
                }
            }
        }
        assertEquals(List.of(), problems.stream().distinct().toList());
    }

    /** Every key whose default only works on the local stack (localhost, a file under /etc/guestcrm) is set. */
    @Test
    void everyLocalStackDefaultIsOverriddenFromTheEnvironment() {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModules.SERVICES) {
            Set<String> environment = environment(deployment(service));
            ServiceModules.properties(service).forEach((key, value) -> {
                if ((value.contains("localhost") || value.startsWith("file:/etc/guestcrm"))
                        && !environment.contains(ServiceModules.environmentName(key))) {
                    problems.add(service + ": " + key + "=" + value + " is not set (" + ServiceModules.environmentName(key) + ")");
                }
            });
            for (String identity : List.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER")) {
                if (!environment.contains(identity)) {
                    problems.add(service + ": " + identity + " is not set");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Names of the variables a Deployment's container gets: env entries and the keys of its envFrom ConfigMaps. */
    static Set<String> environment(Deployment deployment) {
        Container container = container(deployment);
        Set<String> names = new TreeSet<>();
        container.getEnv().forEach(env -> names.add(env.getName()));
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                Manifests.find(BASE, "ConfigMap", from.getConfigMapRef().getName())
                        .ifPresent(cm -> cm.tree().path("data").fieldNames().forEachRemaining(names::add));
            }
        }
        return names;
    }

    @Test
    void theJdbcUrlsNameTheServicesOwnDatabases() {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModules.SERVICES) {
            String url = Manifests.find(BASE, "ConfigMap", service + "-config").orElseThrow().tree()
                    .path("data").path("QUARKUS_DATASOURCE_JDBC_URL").asText();
            String password = container(deployment(service)).getEnv().stream()
                    .filter(e -> e.getName().equals("QUARKUS_DATASOURCE_PASSWORD")).findFirst().orElseThrow()
                    .getValueFrom().getSecretKeyRef().getName();
            String cluster = password.substring(0, password.length() - "-app".length());
            var declared = Manifests.find(BASE, "Cluster", cluster);
            if (declared.isEmpty()) {
                problems.add(service + ": no CloudNativePG Cluster " + cluster);
                continue;
            }
            String database = declared.get().tree().path("spec").path("bootstrap").path("initdb").path("database").asText();
            String expected = "jdbc:postgresql://" + cluster + "-rw:5432/" + database;
            if (!url.equals(expected)) {
                problems.add(service + ": JDBC URL " + url + ", its database is " + expected);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyServiceSelectsADeploymentAndAContainerPort() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Document d : Manifests.ofKind(BASE, "Service")) {
            Service service = d.as(Service.class);
            Map<String, String> selector = service.getSpec().getSelector();
            List<Deployment> selected = Manifests.ofKind(BASE, "Deployment").stream().map(x -> x.as(Deployment.class))
                    .filter(dep -> selector != null && !selector.isEmpty()
                            && dep.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                    .toList();
            if (selected.size() != 1) {
                problems.add("Service " + d.name() + " selects " + selected.size() + " Deployments");
                continue;
            }
            for (var port : service.getSpec().getPorts()) {
                if (resolve(container(selected.getFirst()), port.getTargetPort()) == null) {
                    problems.add("Service " + d.name() + ": targetPort " + port.getTargetPort() + " is no container port");
                }
            }
        }
        for (Manifests.Document d : Manifests.ofKind(BASE, "PodDisruptionBudget")) {
            PodDisruptionBudget pdb = d.as(PodDisruptionBudget.class);
            Map<String, String> labels = pdb.getSpec().getSelector().getMatchLabels();
            boolean any = Manifests.ofKind(BASE, "Deployment").stream().map(x -> x.as(Deployment.class))
                    .anyMatch(dep -> dep.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(labels.entrySet()));
            if (!any) {
                problems.add("PodDisruptionBudget " + d.name() + " selects no Deployment");
            }
        }
        for (Manifests.Document d : Manifests.ofKind(BASE, "Deployment")) {
            Deployment deployment = d.as(Deployment.class);
            if (!deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                    .containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet())) {
                problems.add("Deployment " + d.name() + ": its selector does not match its pods");
            }
        }
        assertEquals(List.of(), problems);
    }

    static Integer resolve(Container container, IntOrString port) {
        for (ContainerPort declared : container.getPorts()) {
            if ((port.getStrVal() != null && port.getStrVal().equals(declared.getName()))
                    || (port.getIntVal() != null && port.getIntVal().equals(declared.getContainerPort()))) {
                return declared.getContainerPort();
            }
        }
        return null;
    }

    @Test
    void probesAskTheServicesHealthOnTheirOwnPort() {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceModules.SERVICES) {
            Deployment deployment = deployment(service);
            Container container = container(deployment);
            int port = Integer.parseInt(ServiceModules.properties(service).get("quarkus.http.port"));
            String override = environment(deployment).contains("QUARKUS_HTTP_PORT") ? "QUARKUS_HTTP_PORT is set" : null;
            if (override != null) {
                problems.add(service + ": " + override + "; the probes assume the module's quarkus.http.port");
            }
            check(problems, service, "readiness", container.getReadinessProbe(), "/q/health/ready", port, container);
            check(problems, service, "liveness", container.getLivenessProbe(), "/q/health/live", port, container);
            if (container.getResources() == null || container.getResources().getRequests() == null
                    || !container.getResources().getRequests().containsKey("cpu")
                    || container.getResources().getLimits() == null || !container.getResources().getLimits().containsKey("memory")) {
                problems.add(service + ": needs a CPU request and a memory limit");
            }
        }
        assertEquals(List.of(), problems);
    }

    private static void check(List<String> problems, String service, String kind, Probe probe, String path, int port,
            Container container) {
        if (probe == null || probe.getHttpGet() == null) {
            problems.add(service + ": no HTTP " + kind + " probe");
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            problems.add(service + ": " + kind + " probe asks " + probe.getHttpGet().getPath() + ", not " + path);
        }
        Integer resolved = resolve(container, probe.getHttpGet().getPort());
        if (resolved == null || resolved != port) {
            problems.add(service + ": " + kind + " probe port " + probe.getHttpGet().getPort() + " is not " + port);
        }
    }

    @Test
    void theServiceMonitorScrapesTheFourServicesMetricsWithAToken() {
        ServiceMonitor monitor = Manifests.ofKind(BASE, "ServiceMonitor").getFirst().as(ServiceMonitor.class);
        var expression = monitor.getSpec().getSelector().getMatchExpressions().getFirst();
        assertEquals("app.kubernetes.io/name", expression.getKey());
        assertEquals(new TreeSet<>(ServiceModules.SERVICES), new TreeSet<>(expression.getValues()));
        Endpoint endpoint = monitor.getSpec().getEndpoints().getFirst();
        assertEquals("/q/metrics", endpoint.getPath());
        assertEquals("Bearer", endpoint.getAuthorization().getType());
        for (String service : ServiceModules.SERVICES) {
            Service declared = Manifests.find(BASE, "Service", service).orElseThrow().as(Service.class);
            assertTrue(declared.getSpec().getPorts().stream().anyMatch(p -> endpoint.getPort().equals(p.getName())),
                    "Service " + service + " has no port named " + endpoint.getPort());
        }
    }

    @Test
    void autoscalersTargetDeploymentsAndConsumerGroupsThatExist() throws Exception {
        List<String> problems = new ArrayList<>();
        problems.addAll(scalingProblems(BASE, "base"));
        List<Manifests.Document> groupScale = ManifestModelTest.render("overlays/group-scale");
        problems.addAll(scalingProblems(groupScale, "group-scale"));
        assertEquals(List.of(), problems);
    }

    static List<String> scalingProblems(List<Manifests.Document> documents, String where) {
        List<String> problems = new ArrayList<>();
        Map<String, KafkaTopic> topics = topics(documents);
        for (Manifests.Document d : Manifests.ofKind(documents, "ScaledObject")) {
            JsonNode spec = d.tree().path("spec");
            String target = spec.path("scaleTargetRef").path("name").asText();
            if (Manifests.find(documents, "Deployment", target).isEmpty()) {
                problems.add(where + ": ScaledObject " + d.name() + " scales no Deployment " + target);
                continue;
            }
            Map<String, String> properties = ServiceModules.properties(target);
            for (JsonNode trigger : spec.path("triggers")) {
                String topic = trigger.path("metadata").path("topic").asText();
                String group = trigger.path("metadata").path("consumerGroup").asText();
                boolean consumes = properties.entrySet().stream().anyMatch(e -> consumedTopics(e.getKey(), e.getValue()).contains(topic)
                        && group.equals(properties.get(e.getKey().replaceAll("\\.topics?$", ".group.id"))));
                if (!consumes) {
                    problems.add(where + ": " + target + " has no consumer group " + group + " on " + topic);
                }
                KafkaTopic kafkaTopic = topics.get(topic);
                int max = spec.path("maxReplicaCount").asInt();
                if (kafkaTopic == null || max > kafkaTopic.getSpec().getPartitions()) {
                    problems.add(where + ": " + target + " scales to " + max + " replicas, more than " + topic + "'s partitions");
                }
            }
        }
        for (Manifests.Document d : Manifests.ofKind(documents, "HorizontalPodAutoscaler")) {
            String target = d.tree().path("spec").path("scaleTargetRef").path("name").asText();
            if (Manifests.find(documents, "Deployment", target).isEmpty()) {
                problems.add(where + ": HorizontalPodAutoscaler " + d.name() + " scales no Deployment " + target);
            }
        }
        return problems;
    }

    @Test
    void theGroupScaleOverlayReplicatesEveryTopicThreeTimes() throws Exception {
        List<Manifests.Document> rendered = ManifestModelTest.render("overlays/group-scale");
        List<String> problems = new ArrayList<>();
        topics(rendered).forEach((name, topic) -> {
            if (topic.getSpec().getReplicas() != 3 || !"2".equals(String.valueOf(topic.getSpec().getConfig().get("min.insync.replicas")))) {
                problems.add(name + ": replicas " + topic.getSpec().getReplicas() + ", min.insync.replicas "
                        + topic.getSpec().getConfig().get("min.insync.replicas"));
            }
        });
        for (Manifests.Document pool : Manifests.ofKind(rendered, "KafkaNodePool")) {
            if (pool.tree().path("spec").path("replicas").asInt() != 3) {
                problems.add("KafkaNodePool " + pool.name() + " has " + pool.tree().path("spec").path("replicas") + " nodes");
            }
        }
        JsonNode config = Manifests.ofKind(rendered, "Kafka").getFirst().tree().path("spec").path("kafka").path("config");
        if (config.path("default.replication.factor").asInt() != 3 || config.path("min.insync.replicas").asInt() != 2) {
            problems.add("Kafka defaults: " + config);
        }
        assertEquals(List.of(), problems);
        assertEquals(12, topics(rendered).get(Topic.PMS_RESERVATIONS.topicName()).getSpec().getPartitions(),
                "pms.reservations partitions per the README's sizing");
    }
}
