package org.guestcrm.platform.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.guestcrm.platform.outbox.OutboxSerde;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The first writes of a schema new to the registry (a newer version of one it holds), eight at once (as the first concurrent PMS pushes on a fresh
 * stack are): every one is written, all with the one content id the registry gave the schema. Before the first write of
 * a schema went alone, the registry refused the concurrent registrations with a rule violation and the pushes answered
 * 500 (seen on a fresh local stack).
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class OutboxSerdeFirstWriteTest {

    @Inject
    OutboxSerde serde;

    /** A record of a schema made for this run (a name no registry has seen). */
    static final class Probe extends SpecificRecordBase {
        private final Schema schema;
        private Object value;

        Probe(Schema schema, String value) {
            this.schema = schema;
            this.value = value;
        }

        @Override
        public Schema getSchema() {
            return schema;
        }

        @Override
        public Object get(int field) {
            return value;
        }

        @Override
        public void put(int field, Object newValue) {
            value = newValue;
        }
    }

    private static void registerFirstVersion(String name, String schema) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode artifact = json.createObjectNode().put("artifactId", name)
                .put("artifactType", "AVRO");
        artifact.putObject("firstVersion").putObject("content").put("content", schema).put("contentType", "application/json");
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(org.guestcrm.testsupport.KafkaTestClients.registryUrl()
                                + "/groups/org.guestcrm.probe/artifacts"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(artifact.toString())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
    }

    @Test
    void concurrentFirstWritesOfANewSchemaAllSucceedWithOneContentId() throws Exception {
        String name = "FirstWriteProbe" + UUID.randomUUID().toString().replace("-", "");
        String head = "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"org.guestcrm.probe\",\"fields\":"
                + "[{\"name\":\"value\",\"type\":\"string\"}";
        // The registry holds an older version of the schema (as on a stack whose schemas were registered at set-up in
        // another form, or by an older producer): each first write creates a new version, and concurrent creations of
        // one version are what the registry refuses (409 for all but one).
        registerFirstVersion(name, head + "]}");
        Schema schema = new Schema.Parser().parse(head + ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
        int writers = 8;
        CyclicBarrier start = new CyclicBarrier(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<byte[]>> writes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String value = "v" + i;
                writes.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return serde.serialize("platform.first-write-probe", new Probe(schema, value));
                }));
            }
            Set<Long> contentIds = new HashSet<>();
            for (Future<byte[]> write : writes) {
                byte[] bytes = write.get(60, TimeUnit.SECONDS);
                assertEquals(0, bytes[0], "the registry's magic byte");
                contentIds.add((long) ByteBuffer.wrap(bytes, 1, 4).getInt());   // Apicurio 3: a 4-byte content id
            }
            assertEquals(1, contentIds.size(), () -> "content ids " + contentIds);
        } finally {
            pool.shutdownNow();
        }
    }
}
