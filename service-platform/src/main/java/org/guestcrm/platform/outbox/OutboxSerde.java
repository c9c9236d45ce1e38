package org.guestcrm.platform.outbox;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.platform.kafka.KafkaSettings;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Serialises an outbox record once, when it is written, into the registry's wire format (magic byte, content id,
 * Avro binary): the relay then hands the stored bytes to Kafka as they are. The schema is the record class's own,
 * looked up in the registry by content (registered there first where auto-register is on), never the latest version:
 * a newer schema registered for a rolling upgrade changes nothing for a producer still on the old classes.
 */
@ApplicationScoped
public class OutboxSerde {

    private volatile AvroKafkaSerializer<SpecificRecord> serializer;

    /**
     * @throws org.guestcrm.platform.intake.PoisonRecordException when the record itself cannot be written in its
     *         schema (Avro rejects a value): retrying cannot help
     * @throws SchemaUnavailableException when the registry cannot be reached or does not hold the schema: transient,
     *         the write is retried until the registry answers (or the schema is registered)
     */
    public byte[] serialize(String topic, SpecificRecord record) {
        String schema = record.getSchema().getFullName();
        if (resolved.contains(schema)) {
            return write(topic, record);
        }
        // The first write of a schema looks it up in the registry, or registers it. Concurrent first writes of one schema
        // each registered it and the registry refused all but one with a rule violation (seen on a fresh local stack: the
        // first four concurrent OTA pushes answered 500). So the first write of each schema goes alone; the others wait
        // and then find it in the serializer's cache. Once more if it fails: another process (a replica, a second service
        // producing the same record) may have been registering it at the same moment, and the version it created is
        // there to be found now (the registry answered 409 because it exists). A failure after that is the registry's.
        synchronized (firstWriteLock(schema)) {
            if (resolved.contains(schema)) {
                return write(topic, record);
            }
            byte[] written;
            try {
                written = write(topic, record);
            } catch (SchemaUnavailableException first) {
                written = write(topic, record);
            }
            resolved.add(schema);
            return written;
        }
    }

    private final java.util.Set<String> resolved = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ConcurrentMap<String, Object> firstWriteLocks = new java.util.concurrent.ConcurrentHashMap<>();

    private Object firstWriteLock(String schema) {
        return firstWriteLocks.computeIfAbsent(schema, name -> new Object());
    }

    private byte[] write(String topic, SpecificRecord record) {
        try {
            return serializer().serialize(topic, record);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getClass().getName().startsWith("org.apache.avro.") || t instanceof NullPointerException
                        || t instanceof ClassCastException) {
                    throw new org.guestcrm.platform.intake.PoisonRecordException(record.getSchema().getName()
                            + " cannot be written in its schema (" + t.getClass().getSimpleName() + ")", e);
                }
            }
            throw new SchemaUnavailableException("The schema registry cannot resolve the schema of "
                    + record.getSchema().getFullName() + " for " + topic + " (" + e.getClass().getSimpleName()
                    + "); is the registry up and the schema registered?", e);
        }
    }

    /** The registry is unreachable or lacks the writer's schema: a transient failure for the intake. */
    public static class SchemaUnavailableException extends RuntimeException {
        SchemaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private AvroKafkaSerializer<SpecificRecord> serializer() {
        AvroKafkaSerializer<SpecificRecord> current = serializer;
        if (current == null) {
            synchronized (this) {
                if (serializer == null) {
                    AvroKafkaSerializer<SpecificRecord> created = new AvroKafkaSerializer<>();
                    created.configure(KafkaSettings.registrySerdeProperties(), false);
                    serializer = created;
                }
                current = serializer;
            }
        }
        return current;
    }
}
