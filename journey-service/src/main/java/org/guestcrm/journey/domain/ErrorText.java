package org.guestcrm.journey.domain;

import java.util.regex.Pattern;

/** Makes an error message safe to store or log: e-mail addresses are masked and the text is bounded. */
public final class ErrorText {

    private static final Pattern EMAIL = Pattern.compile("[^\\s<>\"'(),;:]+@[^\\s<>\"'(),;:]+");
    private static final int MAX_LENGTH = 500;

    private ErrorText() {
    }

    public static String withoutPersonalData(Throwable error) {
        StringBuilder text = new StringBuilder(error.getClass().getSimpleName());
        if (error.getMessage() != null) {
            text.append(": ").append(error.getMessage());
        }
        Throwable cause = error.getCause();
        if (cause != null && cause != error && cause.getMessage() != null) {
            text.append(" (cause ").append(cause.getClass().getSimpleName()).append(": ")
                    .append(cause.getMessage()).append(')');
        }
        return withoutPersonalData(text.toString());
    }

    public static String withoutPersonalData(String text) {
        if (text == null) {
            return null;
        }
        String masked = EMAIL.matcher(text).replaceAll("<e-mail>").replaceAll("[\\r\\n]+", " ");
        return masked.length() <= MAX_LENGTH ? masked : masked.substring(0, MAX_LENGTH - 1) + "…";
    }
}
