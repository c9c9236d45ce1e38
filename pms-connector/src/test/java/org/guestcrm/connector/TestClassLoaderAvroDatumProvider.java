package org.guestcrm.connector;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;

/**
 * The Apicurio datum provider with specific readers bound to the test's class loader. Under
 * {@code @QuarkusTest} the generated event classes of the workspace module {@code schemas} are
 * loaded by the Quarkus runtime class loader, while Avro's {@code SpecificData.get()} (which the
 * default provider uses) resolves them through the loader Avro itself came from and finds another
 * copy on the JVM class path. Production (one class loader) is not affected.
 */
public class TestClassLoaderAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    private static final SpecificData AVRO = avro();

    public TestClassLoaderAvroDatumProvider() {
        super(true);
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writerSchema) {
        Class<?> type = AVRO.getClass(writerSchema);
        Schema readerSchema = type == null ? writerSchema : AVRO.getSchema(type);
        return new SpecificDatumReader<>(writerSchema, readerSchema, AVRO);
    }

    private static SpecificData avro() {
        SpecificData avro = new SpecificData(TestClassLoaderAvroDatumProvider.class.getClassLoader());
        avro.addLogicalTypeConversion(new TimeConversions.DateConversion());
        avro.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        avro.addLogicalTypeConversion(new Conversions.DecimalConversion());
        avro.addLogicalTypeConversion(new Conversions.UUIDConversion());
        return avro;
    }
}
