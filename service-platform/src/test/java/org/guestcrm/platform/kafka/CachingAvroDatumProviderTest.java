package org.guestcrm.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.apicurio.registry.serde.avro.AvroSerdeConfig;

class CachingAvroDatumProviderTest {

    private static CachingAvroDatumProvider<SpecificRecord> provider() {
        CachingAvroDatumProvider<SpecificRecord> provider = new CachingAvroDatumProvider<>();
        provider.configure(new AvroSerdeConfig(Map.of("apicurio.registry.use-specific-avro-reader", "true")));
        return provider;
    }

    @Test
    void oneReaderAndOneWriterPerSchemaAndTheyStillRoundTripARecord() throws IOException {
        CachingAvroDatumProvider<SpecificRecord> provider = provider();
        GuestProfileChanged profile = GuestProfiles.profile("t1", "PMS", "p-1", 3L).build();

        DatumWriter<SpecificRecord> writer = provider.createDatumWriter(profile, GuestProfileChanged.SCHEMA$);
        assertSame(writer, provider.createDatumWriter(profile, GuestProfileChanged.SCHEMA$));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Encoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        writer.write(profile, encoder);
        encoder.flush();

        DatumReader<SpecificRecord> reader = provider.createDatumReader(GuestProfileChanged.SCHEMA$);
        assertSame(reader, provider.createDatumReader(GuestProfileChanged.SCHEMA$), "cached by the schema instance");
        Schema equalCopy = new Schema.Parser().parse(GuestProfileChanged.SCHEMA$.toString());
        assertNotSame(GuestProfileChanged.SCHEMA$, equalCopy);
        assertSame(reader, provider.createDatumReader(equalCopy), "an equal schema finds the same reader");

        SpecificRecord read = reader.read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertInstanceOf(GuestProfileChanged.class, read);
        assertEquals(profile, read);
    }
}
