package org.guestcrm.schemas;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The BACKWARD rule of the schema registry, checked at build time: consumers built with the
 * new schema must read every record written with the previous one.
 */
public final class BackwardCompatibility {

    private BackwardCompatibility() {
    }

    /** The reasons why {@code current} cannot read data written with {@code previous}; empty when compatible. */
    public static List<String> problems(Schema previous, Schema current) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }
}
