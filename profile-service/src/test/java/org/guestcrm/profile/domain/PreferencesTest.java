package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.guestcrm.platform.domain.SnapshotVersion;
import org.junit.jupiter.api.Test;

/** Preferences: bounds per source profile, survivorship per key on the golden record (trust, then recency). */
class PreferencesTest {

    private final GoldenRecordComposer composer = new GoldenRecordComposer();
    private final Instant t0 = Instant.parse("2026-01-10T10:00:00Z");

    private static SourceProfileSnapshot source(String system, String id, SourceTrust trust, Instant at,
            Map<String, String> preferences) {
        return new SourceProfileSnapshot(new SourceProfileKey("acme", system, id), null, true, null, "Anna", "Muster",
                null, "de", "CH", null, List.of(), List.of(), new SnapshotVersion(null, at, at), trust, List.of(),
                Preferences.bound(preferences).entries());
    }

    @Test
    void keysAreNormalisedAndBlankEntriesAreNoPreference() {
        Map<String, String> raw = new HashMap<>();
        raw.put(" diet ", " vegan ");
        raw.put("interest: golf", "weekends");
        raw.put("ROOM:", "quiet");
        raw.put("NEWSPAPER", "   ");
        raw.put("  ", "x");
        raw.put("PILLOW", null);
        Preferences.Bounded bounded = Preferences.bound(raw);
        assertEquals(Map.of("DIET", "vegan", "INTEREST:golf", "weekends", "ROOM", "quiet"), bounded.entries());
        assertEquals(3, bounded.blank());
        assertTrue(bounded.trimmed());
        assertFalse(Preferences.bound(Map.of("DIET", "vegan")).trimmed());
        assertTrue(Preferences.bound(null).entries().isEmpty());
    }

    @Test
    void longValuesAreCutLongKeysLeftOutAndTheCountIsBounded() {
        Map<String, String> raw = new TreeMap<>();
        raw.put("NOTE", "é".repeat(Preferences.MAX_VALUE_LENGTH + 30));
        raw.put("K".repeat(Preferences.MAX_KEY_LENGTH + 1), "yes");
        raw.put("K".repeat(Preferences.MAX_KEY_LENGTH), "kept");
        for (int i = 0; i < Preferences.MAX_ENTRIES + 5; i++) {
            raw.put(String.format("INTEREST:%03d", i), "yes");
        }
        Preferences.Bounded bounded = Preferences.bound(raw);
        assertEquals(Preferences.MAX_ENTRIES, bounded.entries().size());
        assertEquals(1, bounded.keysTooLong());
        assertEquals(1, bounded.valuesCut());
        assertEquals(7, bounded.overCount(), "57 kept keys, 50 allowed");
        // Kept in key order: INTEREST:000.. first; K... and NOTE sort after INTEREST and are over the count.
        assertEquals("INTEREST:000", bounded.entries().firstKey());
        Preferences.Bounded few = Preferences.bound(Map.of("NOTE", "é".repeat(Preferences.MAX_VALUE_LENGTH + 30)));
        assertEquals("é".repeat(Preferences.MAX_VALUE_LENGTH), few.entries().get("NOTE"), "cut by characters");
    }

    @Test
    void perKeyTrustBeatsRecencyAndRecencyDecidesWithinATrust() {
        GoldenRecord record = composer.compose(List.of(
                source("desk", "1", SourceTrust.FRONT_DESK, t0, Map.of("DIET", "vegetarian", "ROOM", "high floor")),
                source("ota", "2", SourceTrust.OTA, t0.plusSeconds(3600),
                        Map.of("DIET", "vegan", "INTEREST:spa", "yes", "ROOM", "ground floor")),
                source("desk2", "3", SourceTrust.FRONT_DESK, t0.plusSeconds(60), Map.of("ROOM", "quiet, courtyard"))));
        assertEquals(Map.of("DIET", "vegetarian", "ROOM", "quiet, courtyard", "INTEREST:spa", "yes"), record.preferences(),
                "front desk beats the newer OTA; the newer front desk beats the older; the OTA's own key survives");
        assertEquals("desk", record.preferenceSources().get("DIET").key().pmsSystem());
        assertEquals("desk2", record.preferenceSources().get("ROOM").key().pmsSystem());
        assertEquals(SourceTrust.OTA, record.preferenceSources().get("INTEREST:spa").trust());
    }

    @Test
    void aDirectSourceBeatsTheFrontDeskAndInactiveProfilesNoLongerContribute() {
        SourceProfileSnapshot deleted = new SourceProfileSnapshot(new SourceProfileKey("acme", "old", "9"), null, false,
                null, "Anna", "Muster", null, "de", "CH", null, List.of(), List.of(),
                new SnapshotVersion(null, t0.plusSeconds(9999), t0.plusSeconds(9999)), SourceTrust.DIRECT, List.of(),
                Map.of("DIET", "none"));
        GoldenRecord record = composer.compose(List.of(
                source("desk", "1", SourceTrust.FRONT_DESK, t0.plusSeconds(100), Map.of("DIET", "vegetarian")),
                source("web", "2", SourceTrust.DIRECT, t0, Map.of("DIET", "vegan")), deleted));
        assertEquals(Map.of("DIET", "vegan"), record.preferences());
    }

    @Test
    void theGoldenRecordKeepsTheBestRankedKeysWithinTheBound() {
        Map<String, String> desk = new TreeMap<>();
        Map<String, String> ota = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            desk.put(String.format("D:%02d", i), "yes");
            ota.put(String.format("A:%02d", i), "yes");
        }
        GoldenRecord record = composer.compose(List.of(
                source("ota", "2", SourceTrust.OTA, t0.plusSeconds(3600), ota),
                source("desk", "1", SourceTrust.FRONT_DESK, t0, desk)));
        assertEquals(Preferences.MAX_ENTRIES, record.preferences().size());
        assertTrue(record.preferences().keySet().containsAll(desk.keySet()), "every front-desk key is kept before OTA ones");
        assertEquals(Preferences.MAX_ENTRIES - 30,
                record.preferences().keySet().stream().filter(k -> k.startsWith("A:")).count());
    }

    @Test
    void equalRankIsDecidedByValueSoTheOrderOfSourcesDoesNotMatter() {
        SourceProfileSnapshot a = source("a", "1", SourceTrust.FRONT_DESK, t0, Map.of("DIET", "vegan"));
        SourceProfileSnapshot b = source("b", "2", SourceTrust.FRONT_DESK, t0, Map.of("DIET", "halal"));
        assertEquals(composer.compose(List.of(a, b)).preferences(), composer.compose(List.of(b, a)).preferences());
    }
}
