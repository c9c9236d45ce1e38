package org.guestcrm.platform.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContactPointRefTest {

    @Test
    void theReferenceIsStableOpaqueAndPerTenantAndKind() {
        String ref = ContactPointRef.of("grand-hotels", "EMAIL", "anna@example.com");
        assertEquals(ref, ContactPointRef.of("grand-hotels", "EMAIL", "anna@example.com"));
        assertEquals(28, ref.length());
        assertTrue(ContactPointRef.looksLikeRef(ref), ref);
        assertFalse(ref.contains("anna"), ref);
        assertNotEquals(ref, ContactPointRef.of("other-group", "EMAIL", "anna@example.com"));
        assertNotEquals(ref, ContactPointRef.of("grand-hotels", "PHONE", "anna@example.com"));
        assertNotEquals(ref, ContactPointRef.of("grand-hotels", "EMAIL", "anna@example.org"));
        // A fixed vector, so every service (and any re-implementation) computes the same reference.
        assertEquals("cp1_bWg8reNdec1CyB4_ir4G418X", ref);
        assertFalse(ContactPointRef.looksLikeRef("anna@example.com"));
        assertFalse(ContactPointRef.looksLikeRef(null));
    }
}
