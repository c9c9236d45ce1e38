package org.guestcrm.connector.api;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.guestcrm.connector.domain.ExportMapping;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * Reads a daily export (CSV with a header line) through a feed's {@link ExportMapping} into canonical reservation
 * trees, one per data line (then converted and validated like the JSON push). Values stay text: the canonical reader
 * checks numbers by their text; dates in the feed's pattern become ISO dates, a date that does not parse is left as it
 * is so the validation names the field.
 */
final class ExportRows {

    /** One data record: its number (the header is 1, the first data record 2) and its canonical tree. */
    record Row(long line, ObjectNode reservation) {
    }

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    private ExportRows() {
    }

    static List<Row> read(byte[] file, ExportMapping mapping) throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(mapping.delimiter());
        List<Row> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> lines = CSV.readerForMapOf(String.class).with(schema).readValues(file)) {
            Map<String, String> headerOf = mapping.columns();
            while (lines.hasNext()) {
                Map<String, String> line = lines.next();
                // the record number counting the header as 1 (a line of a quoted multi-line value is not counted)
                rows.add(new Row(rows.size() + 2L, tree(line, headerOf, mapping)));
            }
        }
        return rows;
    }

    private static ObjectNode tree(Map<String, String> line, Map<String, String> headerOf, ExportMapping mapping) {
        Map<String, String> values = new HashMap<>(mapping.constants());
        for (Map.Entry<String, String> column : headerOf.entrySet()) {
            String value = line.get(column.getValue());
            if (value != null && !value.isBlank()) {
                values.put(column.getKey(), value.strip());
            }
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode reservation = nodes.objectNode();
        ObjectNode guest = nodes.objectNode();
        for (Iterator<Map.Entry<String, String>> it = values.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> entry = it.next();
            String field = entry.getKey();
            String value = ExportMapping.DATE_FIELDS.contains(field) ? isoDate(entry.getValue(), mapping.datePattern())
                    : entry.getValue();
            switch (field) {
                case "status" -> reservation.put("status", status(value, mapping));
                case "totalAmount", "currency" -> { }
                case "email" -> guest.set("emails", nodes.arrayNode().add(value));
                case "phone" -> guest.set("phones", nodes.arrayNode().add(value));
                default -> (ExportMapping.GUEST_FIELDS.contains(field) ? guest : reservation).put(field, value);
            }
        }
        if (values.containsKey("totalAmount")) {
            ObjectNode money = reservation.putObject("totalAmount");
            money.put("amount", decimal(values.get("totalAmount")));
            if (values.containsKey("currency")) {
                money.put("currency", values.get("currency"));
            }
        }
        if (!guest.isEmpty()) {
            if (!guest.has("pmsProfileId") && reservation.hasNonNull("pmsReservationId")) {
                // no PMS profile id in the export: a synthetic one, stable for the same reservation
                guest.put("pmsProfileId", reservation.get("pmsReservationId").asText() + "-G1");
            }
            ArrayNode guests = reservation.putArray("guests");
            guests.add(guest);
        }
        return reservation;
    }

    /** A decimal comma (420,00), as continental exports write amounts, becomes a point; anything else is left as sent. */
    private static String decimal(String value) {
        return value.matches("-?[0-9]{1,15},[0-9]{1,4}") ? value.replace(',', '.') : value;
    }

    private static String status(String value, ExportMapping mapping) {
        String mapped = mapping.statusValues().get(value);
        if (mapped != null) {
            return mapped;
        }
        return value.toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    private static String isoDate(String value, String pattern) {
        if (pattern == null) {
            return value;
        }
        try {
            // strict: 31.02. is no date (a lenient resolver would make it 28.02.); 'u' so strict needs no era
            return LocalDate.parse(value, DateTimeFormatter.ofPattern(pattern.replace('y', 'u'), Locale.ROOT)
                    .withResolverStyle(java.time.format.ResolverStyle.STRICT)).toString();
        } catch (DateTimeParseException e) {
            return value;
        }
    }
}
