package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class SharedContactRuleTest {

    private final SharedContactRule rule = new SharedContactRule(4);

    @Test
    void aFamilyAndSpellingVariantsOfOneNameAreOneName() {
        assertEquals(1, SharedContactRule.unrelatedNames(List.of("meier", "meyer", "maier", "meier")));
        assertFalse(rule.isShared(List.of("meier", "meyer", "muller", "mueller")), "two names, however spelt");
    }

    @Test
    void fourUnrelatedNamesMakeAnAddressShared() {
        assertFalse(rule.isShared(List.of("adams", "becker", "cohen")));
        assertTrue(rule.isShared(List.of("adams", "becker", "cohen", "dubois")));
        assertEquals(4, SharedContactRule.unrelatedNames(Arrays.asList("adams", null, "", "becker", "cohen", "dubois")));
    }

    @Test
    void aThresholdBelowTwoIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SharedContactRule(1));
    }
}
