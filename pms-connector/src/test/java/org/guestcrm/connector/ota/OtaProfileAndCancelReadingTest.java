package org.guestcrm.connector.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.ProfileChange;
import org.junit.jupiter.api.Test;

/** OTA profile and cancel messages: binding, mapping and rules, without a server. */
class OtaProfileAndCancelReadingTest {

    private final OtaInbound inbound = new OtaInbound();

    static String written(String name) {
        return Samples.written(name);
    }

    private OtaInbound.Message read(String xml) {
        return inbound.read(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theOfficialMergeSampleBecomesAMergedAwayProfileAndTheSurvivorsState() {
        OtaInbound.Message message = read(Samples.read("OTA_ProfileMergeRQ.xml"));
        assertEquals(OtaMessageType.PROFILE_MERGE, message.type());
        ParsedProfileMessage merge = message.profiles();
        assertEquals(new OtaUniqueId("21", "ABC123"), merge.echoedId());
        assertEquals(2, merge.changes().size());
        ProfileChange obsolete = merge.changes().get(0);
        assertEquals("ABC456", obsolete.profile().pmsProfileId());
        assertEquals("ABC123", obsolete.mergedInto());
        assertNull(obsolete.profile().lastName(), "a merged-away profile carries nothing but its id");
        ProfileChange survivor = merge.changes().get(1);
        assertFalse(survivor.isMerge());
        GuestProfile john = survivor.profile();
        assertEquals("ABC123", john.pmsProfileId());
        assertEquals("Mr", john.title());
        assertEquals("John", john.firstName());
        assertEquals("Smith", john.lastName());
        assertEquals(LocalDate.of(1949, 6, 3), john.birthDate());
        assertEquals("smith@xyz.com", john.primaryEmail());
        assertEquals(List.of("+33 497 53-21-60", "+33 688 17-14-00"), john.phones().stream().map(GuestProfile.Phone::number).toList());
        assertEquals("MOBILE", john.phones().get(1).type());
        assertEquals("FR", john.nationality());
        assertEquals(List.of("123 Rue Fantastique"), john.addresses().getFirst().lines());
        assertEquals("Nice", john.addresses().getFirst().city());
        assertEquals("FR", john.addresses().getFirst().countryCode());
        assertEquals("GUEST", john.profileType());
        assertEquals(Instant.parse("2008-03-17T09:30:47Z"), survivor.versionTime());
        assertEquals(1L, survivor.pmsSequence());
        assertTrue(merge.warnings().isEmpty());
    }

    @Test
    void createReadsEveryMappedFieldAndIgnoresExtensions() {
        ParsedProfileMessage create = read(written("OTA_ProfileCreateRQ.xml")).profiles();
        GuestProfile greta = create.changes().getFirst().profile();
        assertEquals("PROFILE-ID", greta.pmsProfileId());
        assertEquals("Greta", greta.firstName());
        assertEquals("Beispiel", greta.lastName());
        assertEquals("de", greta.language());
        assertEquals("DE", greta.nationality(), "alpha-3 converted");
        assertEquals("GOLD", greta.loyaltyProgram());
        assertEquals("G-12345", greta.loyaltyNumber());
        assertEquals(Boolean.TRUE, greta.marketingFlags().emailOptIn());
        assertEquals(Instant.parse("2026-03-01T08:59:00Z"), create.changes().getFirst().versionTime(),
                "Profile@LastModifyDateTime before the root TimeStamp");
        assertFalse(create.retransmission());
    }

    @Test
    void malformedOptionalValuesAreDroppedWithWarningsThatNameTheFieldNeverTheValue() {
        String modify = written("OTA_ProfileModifyRQ.xml")
                .replace("greta@beispiel.example", "r..m51@leonard.net")
                .replace("BirthDate=\"1985-04-12\"", "BirthDate=\"1961-02-30\"")
                .replace("Language=\"de-DE\"", "Language=\"??\"")
                .replace("Code=\"DE\"", "Code=\"XX\"");
        ParsedProfileMessage message = read(modify).profiles();
        GuestProfile profile = message.changes().getFirst().profile();
        assertTrue(profile.emails().isEmpty());
        assertNull(profile.birthDate());
        assertNull(profile.language());
        assertNull(profile.nationality());
        assertEquals(List.of("email", "countryCode", "language", "birthDate"),
                message.warnings().stream().map(FieldWarning::field).toList());
        for (FieldWarning warning : message.warnings()) {
            assertFalse(warning.toString().contains("leonard") || warning.toString().contains("1961")
                    || warning.toString().contains("XX"), warning.toString());
        }
    }

    @Test
    void whatIdentifiesAProfileMessageIsRequired() {
        OtaRejection noId = assertThrows(OtaRejection.class, () -> read(written("OTA_ProfileCreateRQ.xml")
                .replace("<UniqueID Type=\"21\" ID=\"PROFILE-ID\"/>", "")));
        assertEquals("UniqueID@ID is required", noId.getMessage());
        assertEquals(OtaMessageType.PROFILE_CREATE, noId.envelope().messageType(), "the error answers OTA_ProfileCreateRS");

        OtaRejection noProfile = assertThrows(OtaRejection.class, () -> read(written("OTA_ProfileModifyRQ.xml")
                .replaceAll("(?s)<Profile .*</Profile>", "")));
        assertEquals("Profile is required", noProfile.getMessage());

        String merge = Samples.read("OTA_ProfileMergeRQ.xml");
        assertEquals("ObsoleteProfileID@ID is required", assertThrows(OtaRejection.class,
                () -> read(merge.replace("<ObsoleteProfileID Type=\"21\" ID=\"ABC456\"/>", ""))).getMessage());
        assertEquals("ObsoleteProfileID@ID must differ from UniqueID@ID", assertThrows(OtaRejection.class,
                () -> read(merge.replace("ID=\"ABC456\"", "ID=\"ABC123\""))).getMessage());
        assertEquals(OtaRejection.Kind.INVALID_DATE, assertThrows(OtaRejection.class,
                () -> read(merge.replace("TimeStamp=\"2008-03-17T09:30:47\"", "TimeStamp=\"yesterday\""))).kind());
        assertEquals(OtaRejection.Kind.INVALID_VALUE, assertThrows(OtaRejection.class,
                () -> read(merge.replace("SequenceNmbr=\"1\"", "SequenceNmbr=\"-1\""))).kind());
        assertEquals("OTA_ProfileMergeRQ@RetransmissionIndicator must be true or false", assertThrows(OtaRejection.class,
                () -> read(merge.replace("SequenceNmbr=\"1\"", "RetransmissionIndicator=\"maybe\""))).getMessage());
        OtaRejection tooLong = assertThrows(OtaRejection.class,
                () -> read(merge.replace("<Surname>Smith</Surname>", "<Surname>" + "S".repeat(151) + "</Surname>")));
        assertTrue(tooLong.getMessage().contains("lastName is longer than 150"), tooLong.getMessage());
        assertFalse(tooLong.getMessage().contains("SSSS"));
    }

    @Test
    void hostileDocumentsAreRefusedBeforeBinding() {
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]>"
                + "<OTA_ProfileCreateRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\"><UniqueID ID=\"&e;\"/></OTA_ProfileCreateRQ>";
        assertEquals(OtaRejection.Kind.MALFORMED, assertThrows(OtaRejection.class, () -> read(doctype)).kind());
        String otherNamespace = written("OTA_ProfileCreateRQ.xml").replace("http://www.opentravel.org/OTA/2003/05", "urn:other");
        assertEquals(OtaRejection.Kind.WRONG_MESSAGE, assertThrows(OtaRejection.class, () -> read(otherNamespace)).kind());
        String repeated = written("OTA_ProfileCreateRQ.xml").replace("<Surname>Beispiel</Surname>",
                "<Surname>Beispiel</Surname><Surname><Deep>x</Deep></Surname>");
        // lenient binding: an unexpected nesting inside a known element neither fails the message nor invents a value
        GuestProfile read = read(repeated).profiles().changes().getFirst().profile();
        assertEquals("Greta", read.firstName());
    }

    @Test
    void aCancelNamesItsReservationAndNeverKeepsTheCard() {
        ParsedCancelMessage cancel = read(written("OTA_CancelRQ.xml")).cancel();
        assertEquals("RESERVATION-ID", cancel.cancellation().pmsReservationId());
        assertNull(cancel.cancellation().hotelCode());
        assertEquals(9L, cancel.cancellation().pmsSequence());
        assertEquals(Instant.parse("2026-03-10T07:15:00Z"), cancel.cancellation().cancelledAt());
        assertEquals("Guest changed plans", cancel.cancellation().reason());
        assertFalse(cancel.cardFreeXml().contains(org.guestcrm.connector.Samples.CARD_NUMBER));
        assertFalse(cancel.cardFreeXml().contains("PaymentCard"));

        ParsedCancelMessage withHotel = read(written("OTA_CancelRQ.xml")
                .replace("<Verification>", "<Verification><Vendor Code=\"BERHB\"/>"))
                .cancel();
        assertEquals("BERHB", withHotel.cancellation().hotelCode());

        ParsedCancelMessage initiate = read(written("OTA_CancelRQ.xml").replace("CancelType=\"Commit\"", "CancelType=\"Initiate\""))
                .cancel();
        assertNull(initiate.cancellation(), "Initiate does not cancel");
        assertEquals("cancelType", initiate.warnings().getFirst().field());
        assertEquals(OtaRejection.Kind.INVALID_VALUE, assertThrows(OtaRejection.class,
                () -> read(written("OTA_CancelRQ.xml").replace("CancelType=\"Commit\"", "CancelType=\"Later\""))).kind());
        assertEquals("UniqueID@ID is required", assertThrows(OtaRejection.class,
                () -> read(written("OTA_CancelRQ.xml").replace("ID=\"RESERVATION-ID\"", "ID=\" \""))).getMessage());
    }

    @Test
    void theResponsesAnswerTheRequestsRootWithSuccessWarningsAndIds() {
        OtaResponseWriter writer = new OtaResponseWriter();
        ParsedProfileMessage merge = read(Samples.read("OTA_ProfileMergeRQ.xml")).profiles();
        String rs = writer.profileSuccess(merge.envelope(), merge.echoedId(), List.of());
        assertTrue(rs.contains("<OTA_ProfileMergeRS xmlns=\"http://www.opentravel.org/OTA/2003/05\" EchoToken=\"452987\""), rs);
        assertTrue(rs.contains("<Success/><UniqueID Type=\"21\" ID=\"ABC123\"/>"), rs);
        ParsedCancelMessage cancel = read(written("OTA_CancelRQ.xml")).cancel();
        String cancelRs = writer.cancelSuccess(cancel.envelope(), cancel.echoedId(), true, List.of());
        assertTrue(cancelRs.contains("<OTA_CancelRS "), cancelRs);
        assertTrue(cancelRs.contains("Status=\"Cancelled\""), cancelRs);
        assertTrue(cancelRs.contains("<CancelInfoRS><UniqueID Type=\"14\" ID=\"RESERVATION-ID\"/></CancelInfoRS>"), cancelRs);
    }
}
