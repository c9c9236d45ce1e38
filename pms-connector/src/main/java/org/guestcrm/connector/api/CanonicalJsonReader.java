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
