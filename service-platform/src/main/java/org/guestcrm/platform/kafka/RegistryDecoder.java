package org.guestcrm.platform.kafka;

import java.util.Map;

import org.apache.kafka.common.header.Headers;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decodes the registry's wire format (Apicurio Avro) in the consumer's own code rather than in the Kafka client, so a
 * registry that cannot be reached is a transient failure to wait out, and bytes that are not a valid record are a
 * dead letter: the deserializer inside the client cannot tell the two apart.
 */
@ApplicationScoped
public class RegistryDecoder {

    private volatile AvroKafkaDeserializer<Object> deserializer;

    public Object decode(String topic, Headers headers, byte[] value) {
        return deserializer().deserialize(topic, headers, value);
    }

    private AvroKafkaDeserializer<Object> deserializer() {
        AvroKafkaDeserializer<Object> current = deserializer;
        if (current == null) {
            synchronized (this) {
                if (deserializer == null) {
                    AvroKafkaDeserializer<Object> created = new AvroKafkaDeserializer<>();
                    Map<String, Object> properties = KafkaSettings.registrySerdeProperties();
                    created.configure(properties, false);
                    deserializer = created;
                }
                current = deserializer;
            }
        }
        return current;
    }
}
