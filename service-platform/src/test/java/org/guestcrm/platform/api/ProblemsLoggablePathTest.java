package org.guestcrm.platform.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProblemsLoggablePathTest {

    @Test
    void aLongSegmentIsLoggedAsItsLengthAndControlCharactersAsQuestionMarks() {
        String token = "t".repeat(300);
        assertEquals("/u/{300 chars}/unsubscribe", Problems.loggablePath("/u/" + token + "/unsubscribe"));
        assertEquals("/api/v1/feeds/?x/ota", Problems.loggablePath("/api/v1/feeds/\u0000x/ota"));
    }

    @Test
    void idsUpToAUuidStayReadable() {
        String path = "/api/v1/guests/0f8b6c1e-3d2a-4c55-9a7e-1b2c3d4e5f60";
        assertEquals(path, Problems.loggablePath(path));
        assertEquals("-", Problems.loggablePath(null));
        assertEquals("/", Problems.loggablePath("/"));
    }
}
