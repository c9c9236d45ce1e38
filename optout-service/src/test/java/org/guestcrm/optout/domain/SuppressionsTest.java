package org.guestcrm.optout.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;

import org.guestcrm.platform.domain.ContactKind;
import org.junit.jupiter.api.Test;

class SuppressionsTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString("a-secret-suppression-key-of-32-bytes!".getBytes());
    private static final String KEY_B = Base64.getEncoder().encodeToString("another-secret-key-for-rotation-32b!".getBytes());
    private final ContactPoint anna = new ContactPoint(ContactKind.EMAIL, "anna@example.com");

    @Test
    void theHashIsKeyedPerTenantNamesItsKeyAndHoldsNoAddress() {
        Suppressions suppressions = Suppressions.parse("k1:" + KEY_A, "k1");
        String hash = suppressions.hash("demo", anna);
        assertTrue(hash.matches("hmac1:k1:[A-Za-z0-9_-]{43}"), hash);
        assertEquals("k1", Suppressions.keyIdOf(hash));
        assertEquals(hash, suppressions.hash("demo", new ContactPoint(ContactKind.EMAIL, "anna@example.com")));
        assertNotEquals(hash, suppressions.hash("other", anna));
        assertNotEquals(hash, suppressions.hash("demo", new ContactPoint(ContactKind.PHONE, "anna@example.com")));
        assertFalse(hash.contains("anna"));
        // Without the key, the unsalted hash of the address is not what is stored: a list leak cannot be tested.
        assertFalse(hash.contains(Suppressions.legacy("demo", anna).substring(7)));
        assertNotEquals(hash, Suppressions.parse("k1:" + KEY_B, "k1").hash("demo", anna), "another key, another hash");
    }

    @Test
    void keysRotateAndRowsOfTheOldKeyAndOfTheUnsaltedFormAreStillRecognised() {
        Suppressions before = Suppressions.parse("k1:" + KEY_A, "k1");
        Suppressions after = Suppressions.parse("k2:" + KEY_B + ", k1:" + KEY_A, "k2");
        List<String> candidates = after.candidates("demo", anna);
        assertTrue(after.hash("demo", anna).startsWith("hmac1:k2:"));
        assertTrue(candidates.contains(before.hash("demo", anna)), "written under the old key");
        assertTrue(candidates.contains(after.hash("demo", anna)));
        assertTrue(candidates.contains(Suppressions.legacy("demo", anna)), "written before keys");
        assertTrue(Suppressions.legacy("demo", anna).matches("sha256:[0-9a-f]{64}"));
        assertEquals("sha256", Suppressions.keyIdOf(Suppressions.legacy("demo", anna)));
        assertTrue(candidates.contains(Suppressions.ofRef("demo", anna)), "received on crm.erasures by reference only");
        assertEquals("ref:" + org.guestcrm.platform.domain.ContactPointRef.of("demo", "EMAIL", anna.value()),
                Suppressions.ofRef("demo", anna));
        assertEquals("ref", Suppressions.keyIdOf(Suppressions.ofRef("demo", anna)));
        assertEquals(4, candidates.size());
    }

    @Test
    void badKeysAreRefusedWithoutShowingThem() {
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> Suppressions.parse("k1:" + Base64.getEncoder().encodeToString("short".getBytes()), "k1"));
        assertTrue(shortKey.getMessage().contains("32 bytes"));
        assertThrows(IllegalArgumentException.class, () -> Suppressions.parse("k1:" + KEY_A, "k2"));
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> Suppressions.parse("k1:" + KEY_A + ",nokey", "k1"));
        assertTrue(malformed.getMessage().contains("entry 2") && !malformed.getMessage().contains(KEY_A));
        assertThrows(IllegalArgumentException.class, () -> Suppressions.parse("k1:not base64!", "k1"));
        assertThrows(IllegalArgumentException.class, () -> Suppressions.parse("", "k1"));
    }
}
