package org.guestcrm.connector.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationRules;
import org.guestcrm.connector.domain.ReservationStatus;
import org.guestcrm.connector.messaging.InboundMessageIntake.HistoryRow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One NDJSON line of a history import: a canonical reservation (the JSON push's body, optionally with
 * {@code "type": "reservation"}) or a profile {@code {"type": "profile", "hotelCode": …, "pmsModifiedAt": …,
 * "profile": {…the guest of a canonical reservation…}}}. The same validation and limits as the push; a rejection
 * names the fields, never their values. Malformed optional fields are dropped (as in the push), not rejections.
 */
@ApplicationScoped
public class HistoryLineParser {

    /** Longest line accepted (a reservation with 200 guests fits). */
    public static final int MAX_LINE_BYTES = 1_048_576;

    /** A profile line. */
    public record ProfileLine(String type, String hotelCode, OffsetDateTime pmsModifiedAt,
                              @NotNull @Valid CanonicalReservation.GuestDto profile) {
    }

    /** A line: a row to emit, or the fields at fault. */
    public record Parsed(HistoryRow row, List<Problem.FieldError> errors) {
    }

    @Inject
    CanonicalJsonReader reader;

    @Inject
    Validator validator;

    public Parsed parse(long lineNumber, byte[] line) {
        if (line.length > MAX_LINE_BYTES) {
            return rejected("line", "is longer than " + MAX_LINE_BYTES + " bytes");
        }
        try {
            if (isReservationObject(line)) {
                // the common line: read once, straight into the DTO (no tree first)
                return reservation(lineNumber, reader.read(line));
            }
            JsonNode tree = reader.readTree(line);
            if (tree == null || !tree.isObject()) {
                return rejected("line", "is not a JSON object");
            }
            boolean profile = tree.has("profile") || "profile".equals(tree.path("type").asText());
            return profile ? profile(lineNumber, reader.convert(tree, ProfileLine.class))
                    : reservation(lineNumber, reader.convert(tree, CanonicalReservation.class));
        } catch (JsonProcessingException e) {
            return rejected(CanonicalReservationResource.jsonError(e));
        } catch (IOException e) {
            return rejected("line", "is not readable");
        }
    }

    private static final byte[] PROFILE_TOKEN = "\"profile\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * A JSON object that cannot be a profile line: it starts with '{' and holds no {@code "profile"} token (a profile
     * line has the key or the type value). Anything else (a profile, a reservation quoting the word, not an object)
     * is read as a tree first, to tell which it is.
     */
    static boolean isReservationObject(byte[] line) {
        int i = 0;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'
                || (line[i] & 0xff) == 0xef || (line[i] & 0xff) == 0xbb || (line[i] & 0xff) == 0xbf)) {
            i++;
        }
        if (i >= line.length || line[i] != '{') {
            return false;
        }
        outer:
        for (int at = i; at <= line.length - PROFILE_TOKEN.length; at++) {
            for (int k = 0; k < PROFILE_TOKEN.length; k++) {
                if (line[at + k] != PROFILE_TOKEN[k]) {
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private Parsed reservation(long lineNumber, CanonicalReservation dto) {
        // the validator (and its messages) only for a row that may break a constraint
        List<Problem.FieldError> errors = CanonicalConstraints.certainlyValid(dto) ? List.of()
                : validator.validate(dto).stream().map(CanonicalReservationResource::fieldError).distinct()
                        .sorted(Comparator.comparing(Problem.FieldError::field)).toList();
        if (!errors.isEmpty()) {
            return new Parsed(null, errors);
        }
        Reservation reservation = CanonicalReservationMapper.toDomain(dto, new ArrayList<>());
        errors = ReservationRules.violations(reservation).stream().map(v -> new Problem.FieldError(v.field(), v.message()))
                .toList();
        return errors.isEmpty() ? new Parsed(new HistoryRow(lineNumber, reservation, null, null, null), List.of())
                : new Parsed(null, errors);
    }

    private Parsed profile(long lineNumber, ProfileLine line) {
        List<Problem.FieldError> errors = new ArrayList<>(CanonicalConstraints.certainlyValid(line.profile()) ? List.of()
                : validator.validate(line).stream()
                        .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage())).distinct()
                        .sorted(Comparator.comparing(Problem.FieldError::field)).toList());
        if (line.hotelCode() != null && line.hotelCode().length() > CanonicalLimits.HOTEL_CODE) {
            errors.add(new Problem.FieldError("hotelCode", "is longer than " + CanonicalLimits.HOTEL_CODE + " characters"));
        }
        if (!errors.isEmpty()) {
            return new Parsed(null, errors);
        }
        // the guest's limits are the reservation's: checked on a carrier reservation, the errors renamed to the profile
        GuestProfile guest = CanonicalReservationMapper.guest(line.profile(), true, "profile", new ArrayList<FieldWarning>());
        Reservation carrier = new Reservation("H", null, null, "R", java.util.Map.of(), ReservationStatus.CONFIRMED,
                org.guestcrm.connector.domain.ReservationChangeType.MODIFIED, LocalDate.of(2000, 1, 1),
                LocalDate.of(2000, 1, 1), null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, 1, 0, List.of(), List.of(), List.of(guest));
        errors = ReservationRules.violations(carrier).stream()
                .map(v -> new Problem.FieldError(v.field().replaceFirst("^guests\\[0]", "profile"), v.message())).toList();
        if (!errors.isEmpty()) {
            return new Parsed(null, errors);
        }
        Instant modifiedAt = line.pmsModifiedAt() == null ? null : line.pmsModifiedAt().toInstant();
        if (modifiedAt != null && !CanonicalLimits.inDateRange(modifiedAt)) {
            return rejected("pmsModifiedAt", "must be between " + CanonicalLimits.EARLIEST_DATE + " and " + CanonicalLimits.LATEST_DATE);
        }
        return new Parsed(new HistoryRow(lineNumber, null, guest, line.hotelCode(), modifiedAt), List.of());
    }

    private static Parsed rejected(String field, String reason) {
        return rejected(new Problem.FieldError(field, reason));
    }

    private static Parsed rejected(Problem.FieldError error) {
        return new Parsed(null, List.of(error));
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
