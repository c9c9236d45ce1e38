package org.guestcrm.journey.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.guestcrm.journey.domain.EmailContext;
import org.guestcrm.journey.domain.JourneyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Qute templates per step and language, the override directory and the visible fallback to English. */
class MessageTemplatesTest {

    private final JourneyMessages messages = new JourneyMessages(new MessageTemplates(Optional.empty()));

    private static EmailContext context(String name, String language) {
        return new EmailContext("7865", "Hotel Seeblick", LocalDate.parse("2027-01-10"), LocalDate.parse("2027-01-13"),
                name, language, "SUITE", "BAR", 2, 1);
    }

    private MessageTemplates.Rendered confirmation(String name, String language) {
        return messages.email("demo", "SEEBLICK", JourneyStep.CONFIRMATION, context(name, language));
    }

    @Test
    void englishNamesReservationHotelAndDatesInTextAndHtml() {
        MessageTemplates.Rendered mail = confirmation("Anna Muster", "en");

        assertEquals("Your reservation 7865 at Hotel Seeblick is confirmed", mail.subject());
        assertTrue(mail.text().startsWith("Dear Anna Muster,\n\nthank you for your reservation 7865"), mail.text());
        assertTrue(mail.text().contains("Arrival: Sunday 10 January 2027\nDeparture: Wednesday 13 January 2027"));
        assertTrue(mail.html().contains("Arrival: Sunday 10 January 2027<br>Departure: Wednesday 13 January 2027"),
                mail.html());
        assertTrue(mail.html().contains("<html lang=\"en\">"));
        assertEquals("en", mail.language());
        assertEquals("built-in", mail.source());
        assertFalse(mail.fellBack());
    }

    @Test
    void frenchAndGermanGuestsGetTheirLanguageWithDatesWrittenInIt() {
        MessageTemplates.Rendered french = confirmation("Anne Dupont", "fr-CH");
        assertEquals("Votre réservation 7865 chez Hotel Seeblick est confirmée", french.subject());
        assertTrue(french.text().startsWith("Bonjour Anne Dupont,"), french.text());
        assertTrue(french.text().contains("Arrivée : dimanche 10 janvier 2027"), french.text());
        assertEquals("fr", french.language());

        MessageTemplates.Rendered german = confirmation("Anna Muster", "de-CH");
        assertEquals("Ihre Reservierung 7865 im Hotel Seeblick ist bestätigt", german.subject());
        assertTrue(german.text().contains("Anreise: Sonntag, 10. Januar 2027"), german.text());
        assertTrue(german.html().contains("<html lang=\"de\">"));
        assertFalse(german.fellBack());
    }

    @Test
    void aLanguageWithoutTemplateFallsBackToEnglishVisibly() {
        MessageTemplates.Rendered italian = confirmation(null, "it");
        assertTrue(italian.subject().startsWith("Your reservation"), italian.subject());
        assertEquals("en", italian.language());
        assertTrue(italian.fellBack());
        assertEquals("it", italian.fallbackFrom());

        MessageTemplates.Rendered none = confirmation(null, null);
        assertEquals("en", none.language());
        assertFalse(none.fellBack(), "no language asked: English is the default, not a fallback");
        assertEquals("en", confirmation(null, "nonsense tag").language());
    }

    @Test
    void theHotelsThenTheTenantsDefaultLanguageComeBeforeEnglish() {
        // Hotel SEEBLICK's default is Italian (no template: passed over), then the tenant's German; hotel ALPS has none.
        JourneyMessages chained = new JourneyMessages(new MessageTemplates(Optional.empty(),
                key -> "SEEBLICK".equals(key.hotelCode()) ? List.of("it", "de") : List.of("fr")));
        MessageTemplates.Rendered italianGuest = chained.email("demo", "SEEBLICK", JourneyStep.CONFIRMATION,
                context(null, "it"));
        assertEquals("de", italianGuest.language(), "guest it -> hotel it -> tenant de");
        assertEquals("it", italianGuest.fallbackFrom());
        MessageTemplates.Rendered noLanguage = chained.email("demo", "ALPS", JourneyStep.CONFIRMATION,
                context(null, null));
        assertEquals("fr", noLanguage.language(), "no guest language: the default one");
        assertFalse(noLanguage.fellBack());
        assertEquals("en", chained.email("demo", "ALPS", JourneyStep.CONFIRMATION, context(null, "en")).language(),
                "the guest's own language first");
    }

    @Test
    void withoutANameTheGuestIsGreetedPolitelyInEachLanguage() {
        assertTrue(messages.email("demo", "X", JourneyStep.IN_STAY, context(null, "en")).text().startsWith("Dear guest,"));
        assertTrue(messages.email("demo", "X", JourneyStep.IN_STAY, context("  ", "de")).text().startsWith("Liebe Gäste,"));
        assertTrue(messages.email("demo", "X", JourneyStep.IN_STAY, context(null, "fr")).text()
                .startsWith("Chère cliente, cher client,"));
    }

    @Test
    void everyStepHasItsOwnSubjectInEveryLanguage() {
        List<JourneyStep> steps = Arrays.stream(JourneyStep.values()).filter(step -> step != JourneyStep.CAMPAIGN).toList();
        for (String language : MessageTemplates.BUILT_IN_LANGUAGES) {
            List<MessageTemplates.Rendered> rendered = steps.stream()
                    .map(step -> messages.email("demo", "X", step, context("A", language))).toList();
            assertTrue(rendered.stream().allMatch(r -> r.language().equals(language)), language);
            assertEquals(steps.size(), rendered.stream().map(MessageTemplates.Rendered::subject).distinct().count(),
                    language);
        }
    }

    @Test
    void theModificationNoticeRepeatsTheBookingsTermsInTheGuestsLanguage() {
        MessageTemplates.Rendered english = messages.email("demo", "X", JourneyStep.MODIFICATION, context("A", "en"));
        assertTrue(english.text().contains("Room: SUITE\nRate: BAR\nGuests: 2 adults, 1 child"), english.text());
        MessageTemplates.Rendered french = messages.email("demo", "X", JourneyStep.MODIFICATION, context("A", "fr"));
        assertTrue(french.text().contains("Chambre : SUITE"), french.text());
        // Unknown terms are left out, not printed empty.
        EmailContext bare = new EmailContext("7865", "Hotel Seeblick", LocalDate.parse("2027-01-10"),
                LocalDate.parse("2027-01-13"), null, "de");
        MessageTemplates.Rendered german = messages.email("demo", "X", JourneyStep.MODIFICATION, bare);
        assertFalse(german.text().contains("Zimmer"), german.text());
        assertTrue(german.subject().endsWith("wurde geändert"));
    }

    @Test
    void aCampaignMailCarriesItsNameAsSubjectAndTheUnsubscribeLinkInTheBody() {
        MessageTemplates.Rendered english = messages.campaign("demo", "BARS", "Winter <offers>", "BARS", "en",
                "https://optout/u?t=v1.x");
        assertEquals("Winter <offers>", english.subject());
        assertTrue(english.text().contains("Unsubscribe: https://optout/u?t=v1.x"), english.text());
        assertTrue(english.html().contains("Winter &lt;offers&gt;"), english.html());
        MessageTemplates.Rendered german = messages.campaign("demo", "BARS", "Winter", "BARS", "de-AT",
                "https://optout/u?t=v1.x");
        assertTrue(german.text().startsWith("Liebe Gäste,"), german.text());
        assertTrue(german.text().contains("Abmelden: https://optout/u?t=v1.x"), german.text());
        MessageTemplates.Rendered withoutLink = messages.campaign("demo", "BARS", "Winter", "BARS", "fr", null);
        assertFalse(withoutLink.text().contains("désabonner"), withoutLink.text());
    }

    @Test
    void aCampaignsInlineTemplatesAreCheckedForSyntaxValuesAndTheUnsubscribeLinkAndRenderedEscaped() {
        MessageTemplates templates = new MessageTemplates(Optional.empty());
        java.util.Set<String> values = JourneyMessages.CAMPAIGN_VALUES;
        assertEquals(Optional.empty(), templates.inlineProblem("{campaignName} at {hotels}: {unsubscribeUrl}", false,
                values, "unsubscribeUrl"));
        assertEquals(Optional.empty(), templates.inlineProblem("{#if unsubscribeUrl}<a href=\"{unsubscribeUrl}\">x</a>{/if}",
                true, values, "unsubscribeUrl"));
        assertTrue(templates.inlineProblem("{#if campaignName}open", false, values, null).orElseThrow()
                .startsWith("is not a valid Qute template at line 1"));
        assertEquals(Optional.of("uses {guest.name}: the values are campaignName, hotels, language, unsubscribeUrl"),
                templates.inlineProblem("Dear {guest.name} {unsubscribeUrl}", false, values, "unsubscribeUrl"));
        assertEquals(Optional.of("must contain the unsubscribe link {unsubscribeUrl}"),
                templates.inlineProblem("{campaignName}", false, values, "unsubscribeUrl"));

        JourneyMessages campaign = new JourneyMessages(templates);
        MessageTemplates.Rendered html = campaign.inlineCampaign("{campaignName}", "Hi {campaignName}\n\n{unsubscribeUrl}",
                "<b>{campaignName}</b> <a href=\"{unsubscribeUrl}\">x</a>", "en", "A <b> & C", "BARS", "https://o/u?t=1&x=2");
        assertEquals("A <b> & C", html.subject());
        assertEquals("Hi A <b> & C\n\nhttps://o/u?t=1&x=2\n", html.text());
        assertTrue(html.html().startsWith("<b>A &lt;b&gt; &amp; C</b>"), html.html());
        assertEquals("inline", html.source());
        MessageTemplates.Rendered layout = campaign.inlineCampaign("{campaignName}", "Hi {campaignName}", null, null,
                "A", "BARS", null);
        assertTrue(layout.html().contains("Hi A"), layout.html());
        assertNull(layout.language());
    }

    @Test
    void htmlEscapesGuestData() {
        MessageTemplates.Rendered mail = confirmation("<script>x</script> & Co", "en");

        assertFalse(mail.html().contains("<script>"));
        assertTrue(mail.html().contains("&lt;script&gt;x&lt;/script&gt; &amp; Co"), mail.html());
        assertTrue(mail.text().contains("<script>x</script> & Co"), "the text part is plain text");
    }

    @Test
    void aHotelOverrideBeatsTheTenantsWhichBeatsTheBuiltInAndMayAddALanguage(@TempDir Path overrides) throws Exception {
        Files.createDirectories(overrides.resolve("demo/SEEBLICK"));
        Files.writeString(overrides.resolve("demo/confirmation.en.txt"), """
                {#fragment id=subject rendered=false}Booked: {reservationId}{/fragment}
                {#fragment id=text rendered=false}Tenant text for {hotel}.{/fragment}
                """);
        Files.writeString(overrides.resolve("demo/SEEBLICK/confirmation.en.txt"), """
                {#fragment id=subject rendered=false}Seeblick says: booked {reservationId}{/fragment}
                {#fragment id=text rendered=false}Hotel text.{/fragment}
                """);
        Files.writeString(overrides.resolve("demo/SEEBLICK/confirmation.en.html"), "<h1>{hotel}</h1>");
        Files.writeString(overrides.resolve("demo/confirmation.it.txt"), """
                {#fragment id=subject rendered=false}Prenotazione {reservationId} confermata{/fragment}
                {#fragment id=text rendered=false}Grazie.{/fragment}
                """);
        JourneyMessages overridden = new JourneyMessages(new MessageTemplates(Optional.of(overrides)));
        EmailContext english = new EmailContext("7865", "Hotel <Seeblick>", LocalDate.parse("2027-01-10"),
                LocalDate.parse("2027-01-13"), null, "en");

        MessageTemplates.Rendered atHotel = overridden.email("demo", "SEEBLICK", JourneyStep.CONFIRMATION, english);
        assertEquals("Seeblick says: booked 7865", atHotel.subject());
        assertEquals("hotel", atHotel.source());
        assertEquals("<h1>Hotel &lt;Seeblick&gt;</h1>", atHotel.html(), "the hotel's own HTML, escaped");

        MessageTemplates.Rendered otherHotel = overridden.email("demo", "BARS", JourneyStep.CONFIRMATION, english);
        assertEquals("Booked: 7865", otherHotel.subject());
        assertEquals("tenant", otherHotel.source());
        assertTrue(otherHotel.html().contains("<p>Tenant text for Hotel &lt;Seeblick&gt;.</p>"), otherHotel.html());

        MessageTemplates.Rendered italian = overridden.email("demo", "BARS", JourneyStep.CONFIRMATION,
                new EmailContext("7865", "Hotel Seeblick", LocalDate.parse("2027-01-10"), LocalDate.parse("2027-01-13"),
                        null, "it-IT"));
        assertEquals("Prenotazione 7865 confermata", italian.subject());
        assertEquals("it", italian.language());
        assertFalse(italian.fellBack());

        MessageTemplates.Rendered otherTenant = overridden.email("acme", "SEEBLICK", JourneyStep.CONFIRMATION, english);
        assertEquals("built-in", otherTenant.source());

        // A tenant code that is not a plain name is never a path: the built-in template is used.
        MessageTemplates.Rendered traversal = overridden.email("../demo", "SEEBLICK", JourneyStep.CONFIRMATION, english);
        assertEquals("built-in", traversal.source());

        // An override file that changes is read again.
        Files.writeString(overrides.resolve("demo/confirmation.en.txt"), """
                {#fragment id=subject rendered=false}Booked again: {reservationId}{/fragment}
                {#fragment id=text rendered=false}Tenant text.{/fragment}
                """);
        Files.setLastModifiedTime(overrides.resolve("demo/confirmation.en.txt"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("Booked again: 7865",
                overridden.email("demo", "BARS", JourneyStep.CONFIRMATION, english).subject());
    }

    @Test
    void thePreCheckInHasAnSmsTextInEveryLanguage() {
        assertTrue(messages.hasSmsText(JourneyStep.PRE_CHECK_IN));
        assertFalse(messages.hasSmsText(JourneyStep.PRE_STAY));
        MessageTemplates.Rendered sms = messages.sms("demo", "X", JourneyStep.PRE_CHECK_IN, context("A", "de"));
        assertEquals("Hotel Seeblick: Wir freuen uns auf Sie morgen (Reservierung 7865). Antworten Sie gern mit Ihrer "
                + "Ankunftszeit.", sms.text());
        assertNull(sms.html());
        assertEquals("de", sms.language());
    }
}
