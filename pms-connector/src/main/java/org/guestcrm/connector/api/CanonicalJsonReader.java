package org.guestcrm.connector.api;

import java.io.IOException;
import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;

import org.guestcrm.connector.domain.NumberLexemes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Reads canonical JSON with limits: nesting at most {@value #MAX_DEPTH} levels, and every number checked as text
 * before it becomes a number (an amount must fit Money's decimal(19,4), an int at most 9 digits, a long 18), so
 * {@code 1e99999999} is a 400 naming the field instead of seconds of CPU or a 500.
 */
@ApplicationScoped
public class CanonicalJsonReader {

    static final int MAX_DEPTH = 32;

    /** A number refused by its text; names no value. */
    public static final class NumberLimitException extends MismatchedInputException {
        NumberLimitException(JsonParser parser, String expectation, Class<?> target) {
            super(parser, expectation, target);
        }
    }

    private final ObjectReader reader;
    private final ObjectMapper mapper;

    CanonicalJsonReader(ObjectMapper quarkusMapper) {
        ObjectMapper mapper = quarkusMapper.copy();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                // long numbers are tokenised (linear) so that the field can be named; the deserialisers refuse them
                .maxNumberLength(2_000_000)
                .build());
        SimpleModule numbers = new SimpleModule("canonical-number-limits");
        numbers.addDeserializer(BigDecimal.class, new AmountDeserializer());
        IntegerDeserializer ints = new IntegerDeserializer();
        numbers.addDeserializer(Integer.class, ints);
        numbers.addDeserializer(int.class, ints);
        LongDeserializer longs = new LongDeserializer();
        numbers.addDeserializer(Long.class, longs);
        numbers.addDeserializer(long.class, longs);
        // Text: C0 control characters other than tab, line feed and carriage return (and DEL) become U+FFFD in every
        // string. PostgreSQL cannot store a NUL: accepted as it was, it dead-lettered the events downstream (./crm fuzz,
        // 2026-12-01). Replaced, not removed: "a<ESC>@example.org" must stay malformed (dropped with a warning by the
        // e-mail check), never turn into someone else's valid address.
        numbers.addDeserializer(String.class, new TextDeserializer());
        // Times and dates: the common ISO shapes read by hand, everything else (and anything invalid) by Jackson's own
        // deserializers, so values and errors are theirs (history import profile: the formatter-based parsing was a
        // fifth of the JSON reading)
        numbers.addDeserializer(java.time.OffsetDateTime.class, new OffsetDateTimeDeserializer());
        numbers.addDeserializer(java.time.LocalDate.class, new LocalDateDeserializer());
        mapper.registerModule(numbers);
        this.mapper = mapper;
        this.reader = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .forType(CanonicalReservation.class);
    }

    public CanonicalReservation read(byte[] body) throws IOException {
        return reader.readValue(body);
    }

    /** One line of a history import, read as a tree with the same limits (then {@link #convert}ed). */
    public com.fasterxml.jackson.databind.JsonNode readTree(byte[] line) throws IOException {
        return mapper.readTree(line);
    }

    /** A tree as {@code type}, with the number limits of this reader. */
    public <T> T convert(com.fasterxml.jackson.databind.JsonNode tree, Class<T> type) throws IOException {
        return reader.forType(type).readValue(tree);
    }

    private static String numberText(JsonParser p, Class<?> target, String expectation) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        throw new NumberLimitException(p, expectation, target);
    }

    /** A string whose C0 control characters other than tab, line feed and carriage return are U+FFFD. */
    static final class TextDeserializer extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token != JsonToken.VALUE_STRING && !token.isScalarValue()) {
                return (String) ctxt.handleUnexpectedToken(String.class, p);
            }
            return withoutControlCharacters(p.getText());
        }
    }

    static String withoutControlCharacters(String text) {
        if (text == null || text.chars().noneMatch(CanonicalJsonReader::isControl)) {
            return text;
        }
        StringBuilder clean = new StringBuilder(text.length());
        text.chars().forEach(c -> clean.append(isControl(c) ? '\uFFFD' : (char) c));
        return clean.toString();
    }

    private static boolean isControl(int c) {
        return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f;
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm)} read without a formatter, adjusted to the context's time
     * zone as Jackson's {@code InstantDeserializer.OFFSET_DATE_TIME} does; any other text, and a value out of range, goes
     * to that deserializer (its value, its error).
     */
    static final class OffsetDateTimeDeserializer extends JsonDeserializer<java.time.OffsetDateTime> {
        private final JsonDeserializer<java.time.OffsetDateTime> standard =
                com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer.OFFSET_DATE_TIME;

        @Override
        public java.time.OffsetDateTime deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                java.time.OffsetDateTime value = IsoText.offsetDateTime(p.getText());
                if (value != null) {
                    if (!ctxt.isEnabled(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)) {
                        return value;
                    }
                    java.time.ZoneId zone = ctxt.getTimeZone().toZoneId();
                    return value.withOffsetSameInstant(zone.getRules().getOffset(value.toLocalDateTime()));
                }
            }
            return standard.deserialize(p, ctxt);
        }
    }

    /** {@code yyyy-MM-dd} read without a formatter; any other text or an impossible date goes to Jackson's own. */
    static final class LocalDateDeserializer extends JsonDeserializer<java.time.LocalDate> {
        private final JsonDeserializer<java.time.LocalDate> standard =
                com.fasterxml.jackson.datatype.jsr310.deser.LocalDateDeserializer.INSTANCE;

        @Override
        public java.time.LocalDate deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                java.time.LocalDate value = IsoText.localDate(p.getText());
                if (value != null) {
                    return value;
                }
            }
            return standard.deserialize(p, ctxt);
        }
    }

    /** The two ISO shapes the canonical JSON uses, read by position; null for anything else. */
    static final class IsoText {
        private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

        private IsoText() {
        }

        static java.time.LocalDate localDate(String text) {
            if (text.length() != 10 || !date(text)) {
                return null;
            }
            try {
                return java.time.LocalDate.of(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10));
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }

        static java.time.OffsetDateTime offsetDateTime(String text) {
            int n = text.length();
            if (n < 20 || n > 35 || !date(text) || text.charAt(10) != 'T' || !digits(text, 11, 13)
                    || text.charAt(13) != ':' || !digits(text, 14, 16) || text.charAt(16) != ':' || !digits(text, 17, 19)) {
                return null;
            }
            int i = 19;
            int nanos = 0;
            if (text.charAt(i) == '.') {
                int start = ++i;
                while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                    i++;
                }
                int length = i - start;
                if (length < 1 || length > 9) {
                    return null;
                }
                nanos = number(text, start, i) * SCALE[length];
            }
            java.time.ZoneOffset offset;
            if (i == n - 1 && text.charAt(i) == 'Z') {
                offset = java.time.ZoneOffset.UTC;
            } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && digits(text, i + 1, i + 3)
                    && text.charAt(i + 3) == ':' && digits(text, i + 4, i + 6)) {
                int hours = number(text, i + 1, i + 3);
                int minutes = number(text, i + 4, i + 6);
                if (hours > 18 || minutes > 59) {
                    return null;
                }
                int sign = text.charAt(i) == '-' ? -1 : 1;
                try {
                    offset = java.time.ZoneOffset.ofTotalSeconds(sign * (hours * 3600 + minutes * 60));
                } catch (java.time.DateTimeException e) {
                    return null;
                }
            } else {
                return null;
            }
            try {
                return java.time.OffsetDateTime.of(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10),
                        number(text, 11, 13), number(text, 14, 16), number(text, 17, 19), nanos, offset);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }

        private static boolean date(String text) {
            return digits(text, 0, 4) && text.charAt(4) == '-' && digits(text, 5, 7) && text.charAt(7) == '-'
                    && digits(text, 8, 10);
        }

        private static boolean digits(String text, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }

        private static int number(String text, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                value = value * 10 + (text.charAt(i) - '0');
            }
            return value;
        }
    }

    static final class AmountDeserializer extends JsonDeserializer<BigDecimal> {
        @Override
        public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = numberText(p, BigDecimal.class, NumberLexemes.AMOUNT_SHAPE);
            try {
                return NumberLexemes.amount(text);
            } catch (NumberLexemes.NumberRejected e) {
                throw new NumberLimitException(p, e.getMessage(), BigDecimal.class);
            }
        }
    }

    static final class IntegerDeserializer extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = numberText(p, Integer.class, "must be an integer of at most 9 digits");
            try {
                return (int) NumberLexemes.integer(text, 9);
            } catch (NumberLexemes.NumberRejected e) {
                throw new NumberLimitException(p, e.getMessage(), Integer.class);
            }
        }
    }

    static final class LongDeserializer extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = numberText(p, Long.class, "must be an integer of at most 18 digits");
            try {
                return NumberLexemes.integer(text, 18);
            } catch (NumberLexemes.NumberRejected e) {
                throw new NumberLimitException(p, e.getMessage(), Long.class);
            }
        }
    }
}
