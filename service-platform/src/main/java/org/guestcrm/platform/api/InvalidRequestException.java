package org.guestcrm.platform.api;

import java.util.List;

/** Bad input from the caller: answered with 400 and the names of the offending parameters (see {@link Problems}). */
public class InvalidRequestException extends RuntimeException {

    private final List<Problem.InvalidParam> invalidParams;

    public InvalidRequestException(String detail, List<Problem.InvalidParam> invalidParams) {
        super(detail);
        this.invalidParams = List.copyOf(invalidParams);
    }

    public List<Problem.InvalidParam> invalidParams() {
        return invalidParams;
    }
}
