package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class ErasureLinkSubjectTest {

    @Test
    void aSubjectNamesTheChannelTheReferenceAndTheRequest() {
        UUID id = UUID.fromString("5d1c8d2e-8a0f-4c57-9d7e-2f0c1a7b9e11");
        ErasureLinkSubject subject = new ErasureLinkSubject(ConsentChannel.EMAIL, "cp1_abc", id);
        assertEquals("EMAIL:cp1_abc:5d1c8d2e-8a0f-4c57-9d7e-2f0c1a7b9e11", subject.format());
        assertEquals(subject, ErasureLinkSubject.parse(subject.format()).orElseThrow());
    }

    @Test
    void malformedSubjectsAreNoSubject() {
        assertTrue(ErasureLinkSubject.parse(null).isEmpty());
        assertTrue(ErasureLinkSubject.parse("EMAIL:cp1_abc").isEmpty(), "no request");
        assertTrue(ErasureLinkSubject.parse("EMAIL:cp1_abc:not-a-uuid").isEmpty());
        assertTrue(ErasureLinkSubject.parse("FAX:cp1_abc:" + UUID.randomUUID()).isEmpty(), "unknown channel");
        assertTrue(ErasureLinkSubject.parse("EMAIL::" + UUID.randomUUID()).isEmpty(), "no reference");
        assertTrue(ErasureLinkSubject.parse("EMAIL:cp1_abc:" + UUID.randomUUID() + ":x").isEmpty(), "a part too many");
        assertThrows(IllegalArgumentException.class, () -> new ErasureLinkSubject(ConsentChannel.EMAIL, "a:b", UUID.randomUUID()));
    }
}
