package org.guestcrm.connector.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/**
 * {@code preferences} of a canonical guest: a JSON object whose every value is a string. A number, boolean, object,
 * array or null as a value is refused ({@link NotText}: 400 on {@code guests[i].preferences}, naming neither key nor
 * value), instead of the lenient scalar-to-text coercion Jackson applies elsewhere. Bounds are checked later
 * ({@code CanonicalLimits}); more than {@value #MAX_READ} entries stop the read at once.
 */
public final class PreferencesDeserializer extends JsonDeserializer<Map<String, String>> {

    static final int MAX_READ = 1_000;

    /** The shape of preferences is wrong; the message names no key or value. */
    public static final class NotText extends MismatchedInputException {
        NotText(JsonParser parser, String message) {
            super(parser, message, Map.class);
        }
    }

    @Override
    public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new NotText(p, "must be an object whose values are strings");
        }
        Map<String, String> preferences = new LinkedHashMap<>();
        for (JsonToken token = p.nextToken(); token != JsonToken.END_OBJECT; token = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                throw new NotText(p, "must have strings as values (one is " + describe(value) + ")");
            }
            if (preferences.size() >= MAX_READ) {
                throw new NotText(p, "has more than " + MAX_READ + " entries");
            }
            preferences.put(key, CanonicalJsonReader.withoutControlCharacters(p.getText()));
        }
        return preferences;
    }

    @Override
    public Map<String, String> getNullValue(DeserializationContext ctxt) {
        return Map.of();
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> "not a string";
        };
    }
}
