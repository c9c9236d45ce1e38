package org.guestcrm.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/**
 * The YAML documents of this module, read the way the cluster would read them: each into the typed model of its kind
 * (fabric8 for Kubernetes and Prometheus Operator kinds, the Strimzi API for Kafka kinds), where a field the model
 * does not know is an error. fabric8 and Strimzi keep unknown fields in {@code additionalProperties} instead of
 * failing, so {@link #unknownFields} walks the typed object and reports every one it finds.
 */
final class Manifests {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path REPOSITORY = MODULE.getParent();

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Typed models per apiVersion/kind. Kinds absent here (CloudNativePG Cluster, KEDA ScaledObject) are generic. */
    static final Map<String, Class<?>> TYPED = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class));

    /** Custom resources of operators whose Java model is not on the build's class path: parsed as generic objects. */
    static final List<String> GENERIC = List.of("postgresql.cnpg.io/v1/Cluster", "keda.sh/v1alpha1/ScaledObject");

    record Document(Path file, int index, JsonNode tree) {
        String apiVersionKind() {
            return tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
        }

        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }

        String where() {
            return MODULE.relativize(file) + " #" + (index + 1) + " (" + kind() + " " + name() + ")";
        }

        <T> T as(Class<T> type) {
            try {
                return YAML.treeToValue(tree, type);
            } catch (IOException e) {
                throw new AssertionError(where() + " does not parse as " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        }
    }

    private Manifests() {
    }

    /** Every YAML file of the module (manifests, kustomizations, rules), target/ and src/ excepted. */
    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(MODULE)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !MODULE.relativize(p).startsWith("target") && !MODULE.relativize(p).startsWith("src"))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Document> read(Path file) {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            List<Document> documents = new ArrayList<>();
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode tree = values.next();
                if (tree != null && !tree.isMissingNode() && !tree.isNull()) {
                    documents.add(new Document(file, documents.size(), tree));
                }
            }
            return documents;
        } catch (IOException e) {
            throw new AssertionError(MODULE.relativize(file) + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static List<Document> read(String text) {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(text)) {
            List<Document> documents = new ArrayList<>();
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                documents.add(new Document(MODULE.resolve("inline.yaml"), documents.size(), values.next()));
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Kubernetes objects of the base (what kubectl apply -k base sends, before Kustomize's labels). */
    static List<Document> base() {
        return yamlFiles().stream().filter(p -> MODULE.relativize(p).startsWith("base"))
                .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                .flatMap(p -> read(p).stream()).toList();
    }

    static List<Document> ofKind(List<Document> documents, String kind) {
        return documents.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    static Optional<Document> find(List<Document> documents, String kind, String name) {
        return documents.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst();
    }

    /**
     * Problems of one document: a kind this build cannot check, a missing name, or fields its typed model does not
     * know (each as a path such as {@code spec.template.spec.containers[0].readinesProbe}).
     */
    static List<String> problems(Document document) {
        List<String> problems = new ArrayList<>();
        String key = document.apiVersionKind();
        if (document.tree.path("metadata").path("name").asText().isBlank()) {
            problems.add(document.where() + ": no metadata.name");
        }
        Class<?> type = TYPED.get(key);
        if (type != null) {
            Object typed;
            try {
                typed = YAML.treeToValue(document.tree, type);
            } catch (IOException e) {
                problems.add(document.where() + ": does not parse as " + type.getName() + ": " + e.getMessage());
                return problems;
            }
            for (String path : unknownFields(typed)) {
                problems.add(document.where() + ": unknown field " + path);
            }
        } else if (GENERIC.contains(key)) {
            GenericKubernetesResource generic = document.as(GenericKubernetesResource.class);
            if (generic.getMetadata() == null || generic.getAdditionalProperties().get("spec") == null) {
                problems.add(document.where() + ": a custom resource needs metadata and spec");
            }
        } else {
            problems.add(document.where() + ": apiVersion/kind " + key + " is neither typed nor a known custom resource");
        }
        return problems;
    }

    /** Paths of every field a typed fabric8/Strimzi model kept as an additional (unknown) property. */
    static List<String> unknownFields(Object typed) {
        List<String> found = new ArrayList<>();
        walk(typed, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object value, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || path.length() > 1000 || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                walk(entry.getValue(), path + "." + entry.getKey(), found, seen);
            }
            return;
        }
        String pkg = value.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class
                    || getter.getReturnType().isPrimitive() || getter.getReturnType() == String.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (field.equals("additionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()
                        && !(value instanceof GenericKubernetesResource)) {
                    extra.keySet().forEach(k -> found.add((path.isEmpty() ? "" : path.substring(1) + ".") + k));
                }
            } else {
                walk(child, path + "." + field, found, seen);
            }
        }
    }
}
