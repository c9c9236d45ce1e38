package org.guestcrm.platform.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.schemas.Topic;

/**
 * Avro single-object encoding of outbox payloads. Decoding resolves the record class from the row's topic and event
 * type, with a {@link SpecificData} bound to that class's loader: Avro otherwise resolves nested record classes by
 * name through the thread's context class loader, which under Quarkus may hold another copy of the generated classes.
 */
final class OutboxCodec {

    private static final Map<Class<? extends SpecificRecord>, BinaryMessageEncoder<SpecificRecord>> ENCODERS =
            new ConcurrentHashMap<>();
    private static final Map<Class<? extends SpecificRecord>, BinaryMessageDecoder<SpecificRecord>> DECODERS =
            new ConcurrentHashMap<>();

    private OutboxCodec() {
    }

    static byte[] encode(SpecificRecord record) {
        try {
            ByteBuffer buffer = ENCODERS.computeIfAbsent(record.getClass(),
                    type -> new BinaryMessageEncoder<>(modelFor(type), record.getSchema())).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + record.getSchema().getName(), e);
        }
    }

    static SpecificRecord decode(OutboxEvent row) {
        Class<? extends SpecificRecord> type = recordType(row);
        try {
            return DECODERS.computeIfAbsent(type, t -> {
                SpecificData model = modelFor(t);
                return new BinaryMessageDecoder<>(model, model.getSchema(t));
            }).decode(row.payload);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Outbox row " + row.id + " does not hold a readable " + row.eventType, e);
        }
    }

    private static Class<? extends SpecificRecord> recordType(OutboxEvent row) {
        Topic topic = Topic.byName(row.topic).orElseThrow(
                () -> new IllegalStateException("Outbox row " + row.id + " names an unknown topic " + row.topic));
        return topic.recordTypes().stream()
                .filter(type -> type.getSimpleName().equals(row.eventType))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "Outbox row " + row.id + " has an unknown event type " + row.eventType + " for " + row.topic));
    }

    private static SpecificData modelFor(Class<?> type) {
        SpecificData avro = new SpecificData(type.getClassLoader());
        avro.addLogicalTypeConversion(new TimeConversions.DateConversion());
        avro.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        avro.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        avro.addLogicalTypeConversion(new Conversions.DecimalConversion());
        avro.addLogicalTypeConversion(new Conversions.UUIDConversion());
        return avro;
    }
}
