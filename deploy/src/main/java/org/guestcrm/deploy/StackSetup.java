package org.guestcrm.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.guestcrm.schemas.Topic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the stack needs before the services start: their databases, the topics, the registered schemas. */
final class StackSetup {


    /** The compacted topic of what operators did with dead letters (service-platform's DeadLetterActions). */
    static final String DEAD_LETTER_ACTIONS = "crm.dead-letter-actions";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StackSetup() {
    }

    static void createDatabases(StackConfig config, List<String> databases) {
        Properties properties = new Properties();
        properties.put("user", "postgres");
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl("postgres"), properties)) {
            for (String database : databases) {
                boolean exists;
                try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
                    query.setString(1, database);
                    try (ResultSet rows = query.executeQuery()) {
                        exists = rows.next();
                    }
                }
                if (!exists) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("create database \"" + database + "\"");
                    }
                }
            }
        } catch (SQLException e) {
            throw new StackException("Cannot create the service databases: " + e.getMessage(), e);
        }
    }

    /** How many partitions {@code topic} has, as text; "?" when Kafka cannot say. */
    static String partitionsOf(StackConfig config, String topic) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            return Integer.toString(admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return "?";
        }
    }

    /**
     * Topics that exist with fewer partitions than wanted ({@code CRM_PARTITIONS} raised since they were created) get
     * more: Kafka cannot take partitions away, so a topic with more is left alone (a new state directory starts
     * lower). Keys move to other partitions when the count changes, so per-key order holds only for what is written
     * after; a local stack is grown between runs, not under load.
     */
    private static void growPartitions(Admin admin, List<NewTopic> existing)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<String, org.apache.kafka.clients.admin.NewPartitions> grow = new java.util.TreeMap<>();
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described = admin
                .describeTopics(existing.stream().map(NewTopic::name).toList()).allTopicNames().get(30, TimeUnit.SECONDS);
        for (NewTopic topic : existing) {
            int has = described.get(topic.name()).partitions().size();
            if (has < topic.numPartitions()) {
                grow.put(topic.name(), org.apache.kafka.clients.admin.NewPartitions.increaseTo(topic.numPartitions()));
            }
        }
        if (!grow.isEmpty()) {
            admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Every topic of the catalogue and its dead-letter topic, with {@link StackConfig#partitions()} partitions each;
     * existing ones keep their settings (and grow to that many partitions if they have fewer).
     */
    static List<String> createTopics(StackConfig config) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        List<NewTopic> wanted = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            NewTopic main = new NewTopic(topic.topicName(), config.partitions(), (short) 1);
            if (topic.compacted()) {
                main.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            wanted.add(main);
            wanted.add(new NewTopic(topic.deadLetterTopicName(), config.partitions(), (short) 1));
        }
        // Operators' replays and discards of dead letters (service-platform's DeadLetterActions.TOPIC).
        wanted.add(new NewTopic(DEAD_LETTER_ACTIONS, 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        try (Admin admin = Admin.create(properties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
            growPartitions(admin, wanted.stream().filter(t -> existing.contains(t.name())).toList());
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new StackException("Cannot create the Kafka topics: " + e.getMessage(), e);
        }
    }

    /**
     * Registers every event schema under group = namespace, artifact = record name (what the serde's
     * RecordIdStrategy looks up) and sets the registry's global compatibility rule to BACKWARD.
     * Registering the same content again finds the existing version.
     */
    static int registerSchemas(StackConfig config) {
        String api = config.registryApiUrl();
        ObjectNode rule = JSON.createObjectNode().put("ruleType", "COMPATIBILITY").put("config", "BACKWARD");
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(api + "/admin/rules")), "POST", rule);
        if (created.statusCode() == 409) {
            expectSuccess(send(HttpRequest.newBuilder(URI.create(api + "/admin/rules/COMPATIBILITY")), "PUT", rule),
                    "update the global compatibility rule");
        } else {
            expectSuccess(created, "create the global compatibility rule");
        }
        List<Schema> schemas = Topic.allSchemas();
        for (Schema schema : schemas) {
            ObjectNode content = JSON.createObjectNode().put("content", schema.toString()).put("contentType", "application/json");
            ObjectNode artifact = JSON.createObjectNode()
                    .put("artifactId", schema.getName())
                    .put("artifactType", "AVRO");
            artifact.putObject("firstVersion").set("content", content);
            URI uri = URI.create(api + "/groups/" + schema.getNamespace() + "/artifacts?ifExists=FIND_OR_CREATE_VERSION");
            expectSuccess(send(HttpRequest.newBuilder(uri), "POST", artifact), "register " + schema.getFullName());
        }
        return schemas.size();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String method, ObjectNode body) {
        try {
            return HTTP.send(request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StackException("The schema registry does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted", e);
        }
    }

    private static void expectSuccess(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new StackException("Cannot " + what + ": the registry answered " + response.statusCode() + " " + response.body());
        }
    }
}
