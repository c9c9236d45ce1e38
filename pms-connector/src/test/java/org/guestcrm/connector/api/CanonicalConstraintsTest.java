package org.guestcrm.connector.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link CanonicalConstraints#certainlyValid} must never say "valid" for a reservation the validator finds a violation
 * in (a bad row would be accepted), and must say it for the common valid row (else the import gains nothing): every
 * annotated field of the DTOs is broken in turn, alone and in nested positions.
 */
class CanonicalConstraintsTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private static final String VALID = """
            {"hotelCode": "H1", "pmsReservationId": "R1", "status": "CONFIRMED", "arrival": "2026-05-01",
             "departure": "2026-05-03", "pmsSequence": 3, "adults": 2, "children": 0,
             "totalAmount": {"amount": 120.50, "currency": "EUR"},
             "extraServices": [{"code": "BRK", "quantity": 2, "amount": {"amount": 10, "currency": "EUR"}}],
             "externalReferences": {"crs": "C1"}, "comments": ["late"],
             "guests": [{"pmsProfileId": "P1", "primary": true, "lastName": "X",
                         "addresses": [{"type": "HOME", "lines": ["a"], "city": "c"}]},
                        {"pmsProfileId": "P2"}]}
            """;

    private static CanonicalReservation read(JsonNode tree) throws Exception {
        return JSON.treeToValue(tree, CanonicalReservation.class);
    }

    /** The valid row with one change: {@code path} (a.b.0.c) set to {@code value} (JSON text; "DELETE" removes it). */
    private static JsonNode mutated(String path, String value) throws Exception {
        JsonNode root = JSON.readTree(VALID);
        String[] parts = path.split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if ("DELETE".equals(value)) {
                array.remove(index);
            } else {
                array.set(index, JSON.readTree(value));
            }
        } else if ("DELETE".equals(value)) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ObjectNode) parent).set(last, JSON.readTree(value));
        }
        return root;
    }

    @Test
    void theCommonValidRowIsCertainlyValid() throws Exception {
        CanonicalReservation valid = read(JSON.readTree(VALID));
        assertTrue(VALIDATOR.validate(valid).isEmpty());
        assertTrue(CanonicalConstraints.certainlyValid(valid));
        assertTrue(CanonicalConstraints.certainlyValid(read(mutated("departure", "\"2026-05-01\""))), "a day use");
        assertTrue(CanonicalConstraints.certainlyValid(read(mutated("guests", "null"))));
        assertTrue(CanonicalConstraints.certainlyValid(read(mutated("totalAmount", "null"))));
    }

    @Test
    void noRowTheValidatorRefusesIsCertainlyValid() throws Exception {
        List<String[]> mutations = new ArrayList<>();
        for (String blankable : List.of("hotelCode", "pmsReservationId", "extraServices.0.code", "guests.0.pmsProfileId",
                "guests.1.pmsProfileId")) {
            for (String value : List.of("null", "\"\"", "\" \"", "\"\\t\\n\"", "\"\\u0000\"", "\"\\u001f \"", "DELETE")) {
                mutations.add(new String[] {blankable, value});
            }
            mutations.add(new String[] {blankable, "\"\\u00a0\""});
            mutations.add(new String[] {blankable, "\"\\u2003\""});
            mutations.add(new String[] {blankable, "\"\\u2028 \\u3000\""});
            mutations.add(new String[] {blankable, "\"\\u001c\\u0085\""});
        }
        for (String required : List.of("status", "arrival", "departure", "totalAmount.amount", "totalAmount.currency",
                "extraServices.0.amount.amount", "extraServices.0.amount.currency")) {
            mutations.add(new String[] {required, "null"});
            mutations.add(new String[] {required, "DELETE"});
        }
        for (String count : List.of("pmsSequence", "adults", "children", "extraServices.0.quantity")) {
            for (String value : List.of("-1", "0", "null", "-2147483648", "2147483647")) {
                mutations.add(new String[] {count, value});
            }
        }
        for (String currency : List.of("totalAmount.currency", "extraServices.0.amount.currency")) {
            for (String value : List.of("\"eur\"", "\"EU\"", "\"EURO\"", "\"E1R\"", "\"\"", "\"ÉUR\"", "\"EUR \"",
                    "\"USD\"")) {
                mutations.add(new String[] {currency, value});
            }
        }
        mutations.add(new String[] {"departure", "\"2026-04-30\""});
        mutations.add(new String[] {"arrival", "\"2026-05-04\""});
        mutations.add(new String[] {"extraServices.0", "null"});
        mutations.add(new String[] {"guests.0", "null"});
        mutations.add(new String[] {"guests.1", "{}"});
        mutations.add(new String[] {"extraServices", "[{}]"});
        mutations.add(new String[] {"totalAmount", "{}"});
        mutations.add(new String[] {"guests.0.addresses.0", "null"});
        int refused = 0;
        for (String[] mutation : mutations) {
            CanonicalReservation dto = read(mutated(mutation[0], mutation[1]));
            Set<ConstraintViolation<CanonicalReservation>> violations = VALIDATOR.validate(dto);
            if (!violations.isEmpty()) {
                refused++;
                assertFalse(CanonicalConstraints.certainlyValid(dto), () -> mutation[0] + " = " + mutation[1]
                        + " breaks " + violations.iterator().next().getPropertyPath() + " but was taken as valid");
            }
        }
        assertTrue(refused > 60, "the mutations break constraints: " + refused);
    }

    @Test
    void aProfileLinesGuestIsCertainlyValidOnlyWithAProfileId() throws Exception {
        JsonNode valid = JSON.readTree(VALID).get("guests").get(0);
        HistoryLineParser.ProfileLine line = new HistoryLineParser.ProfileLine("profile", "H1", null,
                JSON.treeToValue(valid, CanonicalReservation.GuestDto.class));
        assertTrue(VALIDATOR.validate(line).isEmpty());
        assertTrue(CanonicalConstraints.certainlyValid(line.profile()));
        for (String id : List.of("null", "\"\"", "\" \"", "\"\\u2003\"", "\"\\t\"")) {
            ObjectNode guest = valid.deepCopy();
            guest.set("pmsProfileId", JSON.readTree(id));
            HistoryLineParser.ProfileLine bad = new HistoryLineParser.ProfileLine("profile", "H1", null,
                    JSON.treeToValue(guest, CanonicalReservation.GuestDto.class));
            assertFalse(VALIDATOR.validate(bad).isEmpty());
            assertFalse(CanonicalConstraints.certainlyValid(bad.profile()));
        }
        HistoryLineParser.ProfileLine none = new HistoryLineParser.ProfileLine("profile", "H1", null, null);
        assertFalse(VALIDATOR.validate(none).isEmpty());
        assertFalse(CanonicalConstraints.certainlyValid(none.profile()));
    }
}
