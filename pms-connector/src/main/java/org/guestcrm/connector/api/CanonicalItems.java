package org.guestcrm.connector.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.validation.Validator;

import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationRules;

/** Validation and mapping of one canonical reservation, shared by the single and the batch push. */
public final class CanonicalItems {

    /** A checked item: the domain reservation (null when refused), the problems that refuse it, the dropped fields. */
    public record Checked(Reservation reservation, List<Problem.FieldError> problems, List<FieldWarning> warnings) {
        public boolean accepted() {
            return reservation != null;
        }
    }

    private CanonicalItems() {
    }

    public static Checked check(CanonicalReservation dto, Validator validator) {
        List<Problem.FieldError> errors = validator.validate(dto).stream()
                .map(CanonicalReservationResource::fieldError)
                .distinct()
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        List<FieldWarning> warnings = new ArrayList<>();
        Reservation reservation = errors.isEmpty() ? CanonicalReservationMapper.toDomain(dto, warnings) : null;
        if (reservation != null) {
            errors = ReservationRules.violations(reservation).stream()
                    .map(v -> new Problem.FieldError(v.field(), v.message())).toList();
        }
        return errors.isEmpty() ? new Checked(reservation, List.of(), List.copyOf(warnings))
                : new Checked(null, errors, List.of());
    }

    static List<Problem.FieldError> asErrors(List<FieldWarning> warnings) {
        return warnings.stream().map(w -> new Problem.FieldError(w.location(), w.reason())).toList();
    }
}
