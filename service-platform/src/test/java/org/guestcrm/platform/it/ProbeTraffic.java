package org.guestcrm.platform.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.Postgres;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/** Test traffic for the probe application: one long-lived producer, counts of what the probe applied. */
final class ProbeTraffic implements AutoCloseable {

    static final String TOPIC = "platform.probe";
    static final String DLQ = TOPIC + ".dlq";
    static final String DATABASE = "platform";

    private final KafkaProducer<String, SpecificRecord> avro;
    private final KafkaProducer<String, byte[]> raw;

    ProbeTraffic() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClients.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        config.put("apicurio.registry.url", KafkaTestClients.registryUrl());
        config.put("apicurio.registry.auto-register", "true");
        config.put("apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.RecordIdStrategy");
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        avro = new KafkaProducer<>(config, new StringSerializer(), serializer);
        raw = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends without waiting (all to partition 0 so a burst lands in one polled batch); {@link #flush()} waits. */
    void send(String key, SpecificRecord value) {
        avro.send(new ProducerRecord<>(TOPIC, 0, key, value));
    }

    void sendRaw(String key, byte[] value) throws Exception {
        avro.flush();
        raw.send(new ProducerRecord<>(TOPIC, 0, key, value)).get(30, TimeUnit.SECONDS);
    }

    void flush() {
        avro.flush();
        raw.flush();
    }

    static long applied(String keyPrefix) throws SQLException {
        return count("select count(*) from probe_applied where record_key like '" + keyPrefix + "%'");
    }

    static long distinctApplied(String keyPrefix) throws SQLException {
        return count("select count(distinct event_id) from probe_applied where record_key like '" + keyPrefix + "%'");
    }

    static List<ConsumerRecord<String, byte[]>> deadLetters(String keyPrefix) {
        return KafkaTestClients.readRaw(DLQ).stream().filter(r -> r.key() != null && r.key().startsWith(keyPrefix))
                .toList();
    }

    static long count(String sql) throws SQLException {
        try (Connection connection = Postgres.shared().connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        avro.close();
        raw.close();
    }
}
