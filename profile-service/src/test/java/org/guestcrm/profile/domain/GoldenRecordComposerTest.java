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

    private SourceProfileSnapshot trusted(String system, String id, SourceTrust trust, String firstName, String lastName,
            java.time.LocalDate birthDate, List<SourceContact> emails, List<SourceContact> phones, List<String> regions,
            Instant at) {
        return new SourceProfileSnapshot(new SourceProfileKey("acme", system, id), "H" + id, true, null, firstName, lastName,
                birthDate, "de", "CH", null, emails, phones, new SnapshotVersion(null, at, at), trust, regions);
    }

    @Test
    void aMoreTrustedSourceBeatsANewerOneAndTheRecordSaysWhereEachFieldCameFrom() {
        GoldenRecord record = composer.compose(List.of(
                trusted("web", "1", SourceTrust.DIRECT, "Anna", "Muster", null, List.of(), List.of(), List.of(), t0),
                trusted("ota", "2", SourceTrust.OTA, "Annie", "Mustermann", java.time.LocalDate.of(1980, 5, 6),
                        List.of(), List.of(), List.of(), t0.plusSeconds(3600)),
                trusted("desk", "3", SourceTrust.FRONT_DESK, "Anne", null, null, List.of(), List.of(), List.of(),
                        t0.plusSeconds(60))));
        assertEquals("Anna", record.firstName(), "direct beats a newer front-desk and OTA value");
        assertEquals("Muster", record.lastName());
        assertEquals(java.time.LocalDate.of(1980, 5, 6), record.birthDate(), "a field only the OTA has still comes from it");
        assertEquals("web", record.fieldSources().get(Survivorship.Field.FIRST_NAME).key().pmsSystem());
        assertEquals(SourceTrust.OTA, record.fieldSources().get(Survivorship.Field.BIRTH_DATE).trust());
        assertTrue(record.fieldSources().get(Survivorship.Field.FIRST_NAME).explain().contains("DIRECT"));
    }

    @Test
    void withinOneTrustAValidValueBeatsAWeakOneAndAnInvalidOneNeverSurvives() {
        GoldenRecord record = composer.compose(List.of(
                trusted("desk", "1", SourceTrust.FRONT_DESK, "Anna", "Muster", java.time.LocalDate.of(1981, 2, 3),
                        List.of(), List.of(), List.of(), t0),
                trusted("desk", "2", SourceTrust.FRONT_DESK, "A.", "MUSTER", java.time.LocalDate.of(2090, 1, 1),
                        List.of(), List.of(), List.of(), t0.plusSeconds(60)),
                trusted("desk", "3", SourceTrust.FRONT_DESK, "xxx", "n/a", null, List.of(), List.of(), List.of(),
                        t0.plusSeconds(120))));
        assertEquals("Anna", record.firstName(), "an initial is weak; a placeholder invalid");
        assertEquals("Muster", record.lastName(), "capitals only are weak");
        assertEquals(java.time.LocalDate.of(1981, 2, 3), record.birthDate(), "a birth date in the future never survives");
    }

    @Test
    void relayAndPlaceholderAddressesStayInTheSetButAreNeverPrimary() {
        GoldenRecord record = composer.compose(List.of(
                trusted("ota", "1", SourceTrust.OTA, "Anna", "Muster", null,
                        List.of(new SourceContact("x81k2@guest.booking.com", null, true)), List.of(), List.of(), t0.plusSeconds(60)),
                trusted("desk", "2", SourceTrust.FRONT_DESK, "Anna", "Muster", null,
                        List.of(new SourceContact("noemail@hotel.example", null, true),
                                new SourceContact("anna@example.com", null, false)), List.of(), List.of(), t0)));
        assertEquals(3, record.emails().size());
        GoldenRecord.ComposedContactPoint primary = record.emails().get(0);
        assertEquals("anna@example.com", primary.value());
        assertTrue(primary.primary());
        assertNull(primary.notForMarketing());
        assertEquals("OTA_RELAY", point(record.emails(), "x81k2@guest.booking.com").notForMarketing());
        assertEquals("PLACEHOLDER", point(record.emails(), "noemail@hotel.example").notForMarketing());
        assertFalse(point(record.emails(), "x81k2@guest.booking.com").primary());
        assertEquals("H2", point(record.emails(), "anna@example.com").sources().get(0).hotelCode(), "provenance names the hotel");

        GoldenRecord onlyRelay = composer.compose(List.of(trusted("ota", "1", SourceTrust.OTA, "Anna", "Muster", null,
                List.of(new SourceContact("x81k2@guest.booking.com", null, true)), List.of(), List.of(), t0)));
        assertTrue(onlyRelay.emails().stream().noneMatch(GoldenRecord.ComposedContactPoint::primary),
                "a guest known only by a relay address has no marketing address");
    }

    @Test
    void theMostTrustedSourcesAddressIsPrimaryAndASharedOneIsDemoted() {
        List<SourceProfileSnapshot> sources = List.of(
                trusted("desk", "1", SourceTrust.FRONT_DESK, "Anna", "Muster", null,
                        List.of(new SourceContact("desk@example.com", null, true)), List.of(), List.of(), t0.plusSeconds(60)),
                trusted("loyalty", "2", SourceTrust.LOYALTY, "Anna", "Muster", null,
                        List.of(new SourceContact("own@example.com", null, false)), List.of(), List.of(), t0));
        assertEquals("own@example.com", composer.compose(sources).emails().get(0).value());
        GoldenRecord demoted = composer.compose(sources,
                (kind, value) -> value.equals("own@example.com"), java.time.LocalDate.of(2026, 6, 1));
        assertEquals("desk@example.com", demoted.emails().get(0).value());
        assertEquals(GoldenRecordComposer.SHARED, point(demoted.emails(), "own@example.com").notForMarketing());
    }

    @Test
    void phonesAreE164ReadInTheProfilesRegionsAndInvalidOnesLeftOut() {
        GoldenRecord record = composer.compose(List.of(trusted("desk", "1", SourceTrust.FRONT_DESK, "Anna", "Muster", null,
                List.of(), List.of(new SourceContact("079 123 45 67", "MOBILE", true), new SourceContact("0049 30 1234567", null, false),
                        new SourceContact("12", null, false)), List.of("CH"), t0)));
        assertEquals(List.of("+41791234567", "+49301234567"),
                record.phones().stream().map(GoldenRecord.ComposedContactPoint::value).toList());
        assertTrue(record.phones().get(0).primary());
    }

    private static GoldenRecord.ComposedContactPoint point(List<GoldenRecord.ComposedContactPoint> points, String value) {
        return points.stream().filter(p -> p.value().equals(value)).findFirst().orElseThrow();
    }
}
