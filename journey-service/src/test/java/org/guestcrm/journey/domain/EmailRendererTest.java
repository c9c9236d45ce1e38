package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class EmailRendererTest {

    private final EmailRenderer renderer = new EmailRenderer();

    private static EmailContext context(String name, String language) {
        return new EmailContext("7865", "Hotel Seeblick", LocalDate.parse("2027-01-10"), LocalDate.parse("2027-01-13"),
                name, language);
    }

    @Test
    void confirmationInEnglishNamesReservationHotelAndDates() {
        EmailMessage message = renderer.render(JourneyStep.CONFIRMATION, context("Anna Muster", "en"));

        assertEquals("Your reservation 7865 at Hotel Seeblick is confirmed", message.subject());
        assertTrue(message.text().startsWith("Dear Anna Muster,"));
        assertTrue(message.text().contains("Arrival: Sunday 10 January 2027"));
        assertTrue(message.text().contains("Departure: Wednesday 13 January 2027"));
        assertTrue(message.html().contains("Arrival: Sunday 10 January 2027<br>Departure: Wednesday 13 January 2027"));
    }

    @Test
    void germanGuestsGetGerman() {
        EmailMessage message = renderer.render(JourneyStep.CONFIRMATION, context("Anna Muster", "de-CH"));

        assertEquals("Ihre Reservierung 7865 im Hotel Seeblick ist bestätigt", message.subject());
        assertTrue(message.text().contains("Anreise: Sonntag, 10. Januar 2027"));
    }

    @Test
    void unknownOrMissingLanguageFallsBackToEnglish() {
        assertTrue(renderer.render(JourneyStep.PRE_STAY, context(null, "fr")).subject().startsWith("Your stay"));
        assertTrue(renderer.render(JourneyStep.PRE_STAY, context(null, null)).subject().startsWith("Your stay"));
        assertTrue(renderer.render(JourneyStep.PRE_STAY, context(null, "nonsense tag")).subject().startsWith("Your"));
    }

    @Test
    void withoutANameTheGuestIsGreetedPolitely() {
        assertTrue(renderer.render(JourneyStep.IN_STAY, context(null, "en")).text().startsWith("Dear guest,"));
        assertTrue(renderer.render(JourneyStep.IN_STAY, context("  ", "de")).text().startsWith("Liebe Gäste,"));
    }

    @Test
    void everyStepHasItsOwnSubjectInBothLanguages() {
        // CAMPAIGN is rendered from its campaign (renderCampaign), not from a reservation.
        java.util.List<JourneyStep> steps = java.util.Arrays.stream(JourneyStep.values())
                .filter(step -> step != JourneyStep.CAMPAIGN).toList();
        for (String language : new String[] {"en", "de"}) {
            long distinct = steps.stream()
                    .map(step -> renderer.render(step, context("A", language)).subject())
                    .distinct().count();
            assertEquals(steps.size(), distinct, language);
        }
    }

    @Test
    void aCampaignMailCarriesItsNameAsSubjectAndTheUnsubscribeLinkInTheBodyInTheGuestsLanguage() {
        EmailMessage english = renderer.renderCampaign("Winter <offers>", "BARS", "en", "https://optout/u?t=v1.x");
        assertEquals("Winter <offers>", english.subject());
        assertTrue(english.text().contains("Unsubscribe: https://optout/u?t=v1.x"), english.text());
        assertTrue(english.html().contains("Winter &lt;offers&gt;"), english.html());
        EmailMessage german = renderer.renderCampaign("Winter", "BARS", "de-AT", "https://optout/u?t=v1.x");
        assertTrue(german.text().startsWith("Liebe Gäste,"), german.text());
        assertTrue(german.text().contains("Abmelden: https://optout/u?t=v1.x"), german.text());
    }

    @Test
    void htmlEscapesNames() {
        EmailMessage message = renderer.render(JourneyStep.CONFIRMATION, context("<script>x</script> & Co", "en"));

        assertFalse(message.html().contains("<script>"));
        assertTrue(message.html().contains("&lt;script&gt;x&lt;/script&gt; &amp; Co"));
    }
}
