package org.guestcrm.connector.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.guestcrm.connector.Samples;
import org.junit.jupiter.api.Test;

/** The raw archive's text of an OTA body: its own text when that is safe, the card-free DOM otherwise. */
class CardFreeArchiveTest {

    private final OtaDocuments documents = new OtaDocuments();

    private String archived(String body) {
        return OtaDocuments.cardFreeXml(documents.read(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyWithoutCardIsArchivedAsItsOwnTextWithoutDeclaration() {
        String element = "<OTA_HotelResNotifRQ xmlns=\"http://www.opentravel.org/OTA/2003/05\" EchoToken=\"e\">\n"
                + "  <!-- kept --><HotelReservations/>\n</OTA_HotelResNotifRQ>";
        assertEquals(element, archived("\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element));
    }

    @Test
    void aCardNumberOutsidePaymentCardIsMaskedOnTheFastPathToo() {
        String text = archived("<R xmlns=\"urn:x\"><Comment>card " + Samples.CARD_NUMBER + " please</Comment></R>");
        assertFalse(text.contains(Samples.CARD_NUMBER), text);
        assertTrue(text.contains("please"));
    }

    @Test
    void aPaymentCardIsRemoved() {
        String text = archived("<R xmlns=\"urn:x\"><PaymentCard CardNumber=\"" + Samples.CARD_NUMBER
                + "\"/><Keep>WASJW</Keep></R>");
        assertFalse(text.contains("PaymentCard"), text);
        assertFalse(text.contains(Samples.CARD_NUMBER), text);
        assertTrue(text.contains("WASJW"));
    }

    @Test
    void digitsSpelledAsCharacterReferencesAreResolvedAndMasked() {
        StringBuilder spelled = new StringBuilder();
        Samples.CARD_NUMBER.chars().forEach(c -> spelled.append("&#").append(c).append(';'));
        String text = archived("<R xmlns=\"urn:x\"><Comment>" + spelled + "</Comment></R>");
        assertFalse(text.contains(Samples.CARD_NUMBER), text);
        assertFalse(text.contains(spelled.toString()), text);
    }

    @Test
    void aLatin1BodyIsReSerialisedNotCopied() {
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><R xmlns=\"urn:x\">M\u00fcller</R>")
                .getBytes(StandardCharsets.ISO_8859_1);
        String text = OtaDocuments.cardFreeXml(documents.read(latin1));
        assertTrue(text.contains("M\u00fcller"), text);
        assertFalse(text.contains("ISO-8859-1"), text);
    }
}
