package org.guestcrm.platform.kafka;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;

/**
 * The registry serde's datum provider with readers and writers cached by writer schema instance.
 *
 * <p>Apicurio's default provider caches its readers by the schema's parsing fingerprint, which it computes for every
 * record: the canonical form of the whole writer schema, built as a string and hashed, once per record (JFR under
 * {@code ./crm bench}: most of the consumers' decoding time). The schema resolver hands out one {@link Schema}
 * instance per registered schema, so a map keyed by that instance (hash code cached by Avro, equality by identity
 * first) finds the reader without the fingerprint; a schema seen as another instance with equal content falls back to
 * equality and still hits the same reader.
 */
public class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    private final Map<Schema, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> genericWriters = new ConcurrentHashMap<>();

    public CachingAvroDatumProvider() {
        super();
    }

    @Override
    public void configure(AvroSerdeConfig config) {
        super.configure(config);
        readers.clear();
        specificWriters.clear();
        genericWriters.clear();
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writerSchema) {
        DatumReader<T> reader = readers.get(writerSchema);
        if (reader == null) {
            reader = readers.computeIfAbsent(writerSchema, super::createDatumReader);
        }
        return reader;
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        Map<Schema, DatumWriter<T>> writers = data instanceof org.apache.avro.specific.SpecificRecord ? specificWriters
                : genericWriters;
        DatumWriter<T> writer = writers.get(schema);
        if (writer == null) {
            writer = writers.computeIfAbsent(schema, s -> super.createDatumWriter(data, s));
        }
        return writer;
    }
}
