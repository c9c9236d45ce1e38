package org.guestcrm.desk.api;

import java.util.ArrayList;
import java.util.List;

import org.guestcrm.platform.api.InvalidRequestException;
import org.guestcrm.platform.api.Problem;

/** Collects what is wrong with a request, by field name (never the value), then refuses it with one 400. */
final class Checks {

    private final List<Problem.InvalidParam> problems = new ArrayList<>();

    Checks require(boolean ok, String field, String reason) {
        if (!ok) {
            problems.add(new Problem.InvalidParam(field, reason));
        }
        return this;
    }

    /** Optional text: at most {@code max} characters, no control characters. */
    Checks text(String value, String field, int max) {
        if (value == null) {
            return this;
        }
        require(value.length() <= max, field, "at most " + max + " characters");
        require(value.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t'),
                field, "must not contain control characters");
        return this;
    }

    /** Required text. */
    Checks requiredText(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            problems.add(new Problem.InvalidParam(field, "is required"));
            return this;
        }
        return text(value, field, max);
    }

    List<Problem.InvalidParam> problems() {
        return List.copyOf(problems);
    }

    boolean ok() {
        return problems.isEmpty();
    }

    void orRefuse() {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("The request has invalid fields: "
                    + String.join(", ", problems.stream().map(Problem.InvalidParam::name).distinct().toList()),
                    problems);
        }
    }
}
