package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.guestcrm.journey.domain.SmsSegments.Count;
import org.guestcrm.journey.domain.SmsSegments.Encoding;
import org.junit.jupiter.api.Test;

/** SMS segments as providers bill them: GSM-7 160 / 153 per part, UCS-2 70 / 67 per part. */
class SmsSegmentsTest {

    @Test
    void thePreCheckInTextsOfTheTemplatesTakeOneSegment() {
        // The built-in pre-check-in SMS texts (pre_check_in.<lang>.txt, fragment sms) as the dispatcher renders them.
        assertEquals(new Count(Encoding.GSM_7, 121, 1), SmsSegments.count("Hotel Seeblick: we look forward to "
                + "welcoming you tomorrow (reservation 7865). Reply to tell us when you expect to arrive."));
        // é and ä-ü are in the GSM alphabet: still GSM-7.
        assertEquals(new Count(Encoding.GSM_7, 114, 1), SmsSegments.count("Hotel Seeblick : nous vous attendons "
                + "demain (réservation 7865). Répondez pour nous indiquer votre heure d'arrivée."));
        assertEquals(new Count(Encoding.GSM_7, 109, 1), SmsSegments.count("Hotel Seeblick: Wir freuen uns auf Sie "
                + "morgen (Reservierung 7865). Antworten Sie gern mit Ihrer Ankunftszeit."));
    }

    @Test
    void anAccentOutsideTheGsmAlphabetOrAnEmojiMakesTheTextUcs2() {
        // ô is not in the GSM alphabet: 112 UTF-16 units > 70 -> 2 parts of 67.
        assertEquals(new Count(Encoding.UCS_2, 112, 2), SmsSegments.count("Hôtel du Lac : nous vous attendons demain "
                + "(réservation 7865). Répondez pour nous indiquer votre heure d'arrivée."));
        assertEquals(Encoding.UCS_2, SmsSegments.encodingOf("Votre reçu"), "lower-case ç is not GSM (only Ç)");
        assertEquals(Encoding.GSM_7, SmsSegments.encodingOf("ÇA VA"));
        // An emoji is a surrogate pair: 2 units.
        assertEquals(new Count(Encoding.UCS_2, 55, 1),
                SmsSegments.count("Hotel Seeblick: see you tomorrow \uD83D\uDE0A (reservation 7865)."));
        assertEquals(1, SmsSegments.segmentsOf("\uD83D\uDE0A".repeat(35)), "70 units");
        assertEquals(2, SmsSegments.segmentsOf("\uD83D\uDE0A".repeat(36)), "72 units: 33 emoji per part");
        assertEquals(1, SmsSegments.segmentsOf("ç".repeat(70)));
        assertEquals(2, SmsSegments.segmentsOf("ç".repeat(71)));
        assertEquals(2, SmsSegments.segmentsOf("ç".repeat(134)));
        assertEquals(3, SmsSegments.segmentsOf("ç".repeat(135)));
    }

    @Test
    void aLongGsmTextIsConcatenatedIn153SeptetParts() {
        String text = "Hotel Seeblick: we look forward to welcoming you tomorrow (reservation 7865). Reply to tell us "
                + "when you expect to arrive. Check in online to skip the queue: https://seeblick.example/c/7865";
        assertEquals(new Count(Encoding.GSM_7, 188, 2), SmsSegments.count(text));
        assertEquals(1, SmsSegments.segmentsOf("a".repeat(160)));
        assertEquals(2, SmsSegments.segmentsOf("a".repeat(161)));
        assertEquals(2, SmsSegments.segmentsOf("a".repeat(306)));
        assertEquals(3, SmsSegments.segmentsOf("a".repeat(307)));
        assertEquals(1, SmsSegments.segmentsOf(""));
    }

    @Test
    void extensionCharactersTakeTwoSeptetsAndPairsAreNeverSplit() {
        assertEquals(new Count(Encoding.GSM_7, 169, 2), SmsSegments.count("Hotel Seeblick: Wir freuen uns auf Sie "
                + "morgen (Reservierung 7865). Frühstück 25 € pro Person, Parkplatz [Tiefgarage] 18 €. Antworten Sie "
                + "gern mit Ihrer Ankunftszeit."));
        assertEquals(1, SmsSegments.segmentsOf("€".repeat(80)), "160 septets");
        assertEquals(2, SmsSegments.segmentsOf("a".repeat(159) + "€"), "161 septets");
        // 306 septets would fit 2 parts, but the escape pair at 153/154 cannot be split: 3 parts.
        assertEquals(3, SmsSegments.segmentsOf("a".repeat(152) + "€" + "a".repeat(152)));
        assertEquals(3, SmsSegments.segmentsOf("a".repeat(66) + "\uD83D\uDE0A" + "a".repeat(66)),
                "134 units, the surrogate pair not split: 3 parts");
    }
}
