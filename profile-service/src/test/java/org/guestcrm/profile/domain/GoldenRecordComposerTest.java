package org.guestcrm.profile.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.guestcrm.platform.domain.SnapshotVersion;
import org.junit.jupiter.api.Test;

class GoldenRecordComposerTest {

    private final GoldenRecordComposer composer = new GoldenRecordComposer();
    private final Instant t0 = Instant.parse("2026-02-01T08:00:00Z");

    private SourceProfileSnapshot profile(String system, String id, boolean active, String firstName, String language,
                                          List<SourceContact> emails, List<SourceContact> phones, Instant at) {
        return new SourceProfileSnapshot(new SourceProfileKey("acme", system, id), null, active, null, firstName, "Muster",
                null, language, null, null, emails, phones, new SnapshotVersion(null, at, at));
    }

    @Test
    void theNewestProfileWinsAndMissingFieldsComeFromOlderOnes() {
        GoldenRecord record = composer.compose(List.of(
                profile("opera", "1", true, "Anna", "de", List.of(), List.of(), t0),
                profile("mews", "9", true, "Anne", null, List.of(), List.of(), t0.plusSeconds(60))));
        assertEquals("Anne", record.firstName());
        assertEquals("de", record.language());
        assertEquals("Muster", record.lastName());
    }

    @Test
    void contactPointsAreTheNormalisedUnionWithProvenance() {
        GoldenRecord record = composer.compose(List.of(
                profile("opera", "1", true, "Anna", null,
                        List.of(new SourceContact(" Anna@Example.com", "PERSONAL", true)),
                        List.of(new SourceContact("+41 79 123 45 67", "MOBILE", false)), t0),
                profile("mews", "9", true, "Anna", null,
                        List.of(new SourceContact("anna@example.com", null, false), new SourceContact("anna@work.example", "BUSINESS", false)),
                        List.of(), t0.plusSeconds(60))));
        assertEquals(2, record.emails().size());
        GoldenRecord.ComposedContactPoint shared = record.emails().stream()
                .filter(e -> e.value().equals("anna@example.com")).findFirst().orElseThrow();
        assertEquals(2, shared.sources().size(), "both profiles hold the shared address");
        assertTrue(shared.primary(), "the only address flagged primary is primary");
        assertFalse(record.emails().stream().filter(e -> e.value().equals("anna@work.example")).findFirst().orElseThrow().primary());
        assertEquals("+41791234567", record.phones().get(0).value());
        assertTrue(record.phones().get(0).primary(), "without a flag the first value is primary");
    }

    @Test
    void invalidContactValuesAreLeftOut() {
        GoldenRecord record = composer.compose(List.of(profile("opera", "1", true, "Anna", null,
                List.of(new SourceContact("not an address", null, true)), List.of(new SourceContact("n/a", null, false)), t0)));
        assertTrue(record.emails().isEmpty());
        assertTrue(record.phones().isEmpty());
    }

    @Test
    void deletedProfilesNoLongerContribute() {
        GoldenRecord record = composer.compose(List.of(
                profile("opera", "1", false, "Ghost", null, List.of(new SourceContact("old@example.com", null, true)), List.of(), t0.plusSeconds(99)),
                profile("mews", "9", true, "Anna", null, List.of(), List.of(), t0)));
        assertEquals("Anna", record.firstName());
        assertTrue(record.emails().isEmpty());
    }

    @Test
    void noActiveProfileGivesAnEmptyRecord() {
        GoldenRecord record = composer.compose(List.of());
        assertNull(record.firstName());
        assertTrue(record.emails().isEmpty());
    }
}
