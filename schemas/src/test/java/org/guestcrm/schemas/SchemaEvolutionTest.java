package org.guestcrm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Fails the build when a schema change would break consumers of an already released version. */
class SchemaEvolutionTest {

    private static final Path RELEASED = Path.of(System.getProperty("schemas.released.dir", "src/released"));

    @Test
    void everyReleasedSchemaCanStillBeReadByTheCurrentOne() {
        Map<String, Schema> current = Topic.allSchemas().stream()
                .collect(Collectors.toMap(Schema::getFullName, Function.identity()));
        List<ReleasedSchemas.Released> released = ReleasedSchemas.readAll(RELEASED);
        assertFalse(released.isEmpty(), "no released schemas found under " + RELEASED.toAbsolutePath());

        List<String> problems = new ArrayList<>();
        for (ReleasedSchemas.Released old : released) {
            Schema now = current.get(old.schema().getFullName());
            if (now == null) {
                problems.add(old.release() + " " + old.schema().getFullName()
                        + " was removed or renamed: a released record must stay; a breaking change is a new record on a new topic");
                continue;
            }
            BackwardCompatibility.problems(old.schema(), now)
                    .forEach(p -> problems.add(old.release() + " " + old.schema().getFullName() + ": " + p));
        }
        if (!problems.isEmpty()) {
            fail("Schema changes are not backward compatible:\n" + String.join("\n", problems));
        }
    }

    @Test
    void addingAnOptionalFieldWithADefaultIsCompatible() {
        Schema previous = Topic.schemaOf(org.guestcrm.events.ConsentChanged.class);
        Schema next = withExtraField(previous, "{\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}");
        assertEquals(List.of(), BackwardCompatibility.problems(previous, next));
    }

    @Test
    void addingARequiredFieldWithoutDefaultIsCaught() {
        Schema previous = Topic.schemaOf(org.guestcrm.events.ConsentChanged.class);
        Schema next = withExtraField(previous, "{\"name\": \"note\", \"type\": \"string\"}");
        List<String> problems = BackwardCompatibility.problems(previous, next);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("READER_FIELD_MISSING_DEFAULT"), problems.get(0));
    }

    @Test
    void changingAFieldTypeIsCaught() {
        Schema previous = Topic.schemaOf(org.guestcrm.events.ReservationChanged.class);
        List<Schema.Field> fields = previous.getFields().stream()
                .map(f -> f.name().equals("pmsReservationId")
                        ? new Schema.Field(f.name(), Schema.create(Schema.Type.LONG), f.doc())
                        : new Schema.Field(f, f.schema()))
                .toList();
        Schema next = Schema.createRecord(previous.getName(), previous.getDoc(), previous.getNamespace(), false, fields);
        assertFalse(next.equals(previous), "the test must really change the schema");
        assertFalse(BackwardCompatibility.problems(previous, next).isEmpty());
    }

    @Test
    void everyTopicHasARecordAndADeadLetterTopic() {
        for (Topic topic : Topic.values()) {
            assertFalse(topic.recordTypes().isEmpty(), topic.name());
            assertEquals(topic.topicName() + ".dlq", topic.deadLetterTopicName());
        }
        // Every top-level record under src/main/avro (common/ holds the shared parts) is carried by some topic.
        try (var files = java.nio.file.Files.list(Path.of("src/main/avro"))) {
            long events = files.filter(f -> f.toString().endsWith(".avsc")).count();
            assertEquals(events, Topic.allSchemas().size(), "one topic schema per event record in src/main/avro");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Schema withExtraField(Schema schema, String fieldJson) {
        String json = schema.toString();
        int end = json.lastIndexOf("]}");
        return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
    }
}
