package org.guestcrm.platform.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail, served as {@value #MEDIA_TYPE}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<InvalidParam> invalidParams) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** A request parameter that was missing or malformed. */
    public record InvalidParam(String name, String reason) {
    }
}
