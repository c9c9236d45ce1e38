package org.guestcrm.platform.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * A rolling upgrade: a newer GuestProfileChanged with an extra optional field is registered as the latest version;
 * this producer, still on the old classes, keeps writing with its own schema (looked up by content, not "latest"), and
 * a consumer on the new schema reads both the old records and new ones.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class SchemaUpgradeTest {

    private static final String TOPIC = Topic.PMS_PROFILES.topicName();
    private static final String NEW_FIELD = "loyaltyTierUpgradeProbe";

    @Inject
    Outbox outbox;

    @Test
    void anOldProducerKeepsItsSchemaAfterANewerOneIsRegisteredAndANewConsumerReadsBoth() throws Exception {
        String run = "upgrade-" + UUID.randomUUID() + ":";
        Schema oldSchema = GuestProfileChanged.getClassSchema();
        QuarkusTransaction.requiringNew().run(() -> outbox.add(Topic.PMS_PROFILES, run + "before",
                GuestProfiles.profile("upgrade", "PROBE", "before", 1L).build()));
        long oldContentId = contentIdOf(await(run + "before"));

        Schema newSchema = withOptionalField(oldSchema, NEW_FIELD);
        registerNewVersion(newSchema);

        QuarkusTransaction.requiringNew().run(() -> outbox.add(Topic.PMS_PROFILES, run + "after",
                GuestProfiles.profile("upgrade", "PROBE", "after", 2L).build()));
        ConsumerRecord<String, byte[]> after = await(run + "after");
        assertEquals(oldContentId, contentIdOf(after), "the old producer still writes with its own schema");
        assertFalse(schemaByContentId(contentIdOf(after)).contains(NEW_FIELD));

        // A consumer on the new schema reads the old producer's record (the new field takes its default) ...
        GenericRecord readOld = read(after.value(), oldSchema, newSchema);
        assertEquals("after", readOld.get("pmsProfileId").toString());
        assertNull(readOld.get(NEW_FIELD));
        // ... and a record written by an upgraded producer.
        GenericRecord upgraded = new GenericData.Record(newSchema);
        for (Schema.Field field : newSchema.getFields()) {
            upgraded.put(field.name(), field.name().equals(NEW_FIELD) ? "GOLD" : readOld.get(field.name()));
        }
        GenericRecord readNew = read(encode(upgraded, newSchema), newSchema, newSchema);
        assertEquals("GOLD", readNew.get(NEW_FIELD).toString());
    }

    private static ConsumerRecord<String, byte[]> await(String key) {
        return KafkaTestClients.awaitRawRecord(TOPIC, r -> key.equals(r.key()), Duration.ofSeconds(60));
    }

    private static long contentIdOf(ConsumerRecord<String, byte[]> record) {
        ByteBuffer bytes = ByteBuffer.wrap(record.value());
        assertEquals(0, bytes.get(), "magic byte");
        return bytes.getInt();                                               // Apicurio 3: 4-byte content id
    }

    private static Schema withOptionalField(Schema schema, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.STRING)), "added by the upgrade test", Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static void registerNewVersion(Schema schema) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = json.createObjectNode();
        ObjectNode content = body.putObject("content");
        content.put("content", schema.toString());
        content.put("contentType", "application/json");
        String url = KafkaTestClients.registryUrl() + "/groups/" + schema.getNamespace() + "/artifacts/"
                + schema.getName() + "/versions";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() == 200, "registering the newer schema: " + response.statusCode() + " "
                + response.body());
    }

    private static String schemaByContentId(long contentId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(KafkaTestClients.registryUrl()
                + "/ids/contentIds/" + contentId)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static GenericRecord read(byte[] wire, Schema writer, Schema reader) throws Exception {
        int offset = wire.length > 5 && wire[0] == 0 ? 5 : 0;
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(wire, offset, wire.length - offset, null));
    }

    private static byte[] encode(GenericRecord record, Schema schema) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
