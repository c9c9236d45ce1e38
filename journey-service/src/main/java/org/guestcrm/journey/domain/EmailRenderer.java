package org.guestcrm.journey.domain;

import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Renders the e-mail of a journey step in the guest's language: German for a {@code de} tag, English otherwise.
 * Plain text and HTML carry the same content; values are HTML-escaped in the HTML part.
 */
public final class EmailRenderer {

    private static final DateTimeFormatter ENGLISH_DATE = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter GERMAN_DATE = DateTimeFormatter.ofPattern("EEEE, d. MMMM yyyy", Locale.GERMAN);

    public EmailMessage render(JourneyStep step, EmailContext context) {
        return isGerman(context.languageTag()) ? german(step, context) : english(step, context);
    }

    /**
     * The tenant's default campaign template (no per-campaign template exists yet): the campaign's name as subject, a
     * short text naming the hotels of the segment, and the unsubscribe link in the body too (when there is one), so
     * a guest whose client ignores List-Unsubscribe can still opt out.
     */
    public EmailMessage renderCampaign(String campaignName, String hotels, String languageTag, String unsubscribeUrl) {
        boolean german = isGerman(languageTag);
        String greeting = german ? "Liebe Gäste," : "Dear guest,";
        String lead = german ? "wir haben Neuigkeiten für Sie: " + campaignName + "."
                : "we have news for you: " + campaignName + ".";
        String body = german ? "Wir freuen uns auf Ihren nächsten Besuch in " + hotels + "."
                : "We look forward to welcoming you again at " + hotels + ".";
        String closing = unsubscribeUrl == null ? ""
                : german ? "Sie möchten keine solchen E-Mails mehr? Abmelden: " + unsubscribeUrl
                        : "No longer want these e-mails? Unsubscribe: " + unsubscribeUrl;
        String signature = german ? "Ihr Team" : "Your team";
        return message(campaignName, greeting, lead, body, closing, signature);
    }

    static boolean isGerman(String languageTag) {
        return languageTag != null && Locale.forLanguageTag(languageTag.replace('_', '-')).getLanguage().equals("de");
    }

    private EmailMessage english(JourneyStep step, EmailContext c) {
        String id = c.pmsReservationId();
        String hotel = c.hotelName();
        String arrival = ENGLISH_DATE.format(c.arrival());
        String departure = ENGLISH_DATE.format(c.departure());
        String greeting = c.guestName() == null || c.guestName().isBlank() ? "Dear guest," : "Dear " + c.guestName() + ",";
        String dates = "Arrival: " + arrival + "\nDeparture: " + departure;
        return switch (step) {
            case CONFIRMATION -> message("Your reservation " + id + " at " + hotel + " is confirmed", greeting,
                    "thank you for your reservation " + id + " at " + hotel + ". We have confirmed it.", dates,
                    "We look forward to welcoming you.", "Your team at " + hotel);
            case PRE_STAY -> message("Your stay at " + hotel + " begins on " + arrival, greeting,
                    "your stay at " + hotel + " (reservation " + id + ") is coming up.", dates,
                    "If you have any wishes for your stay, just reply to this e-mail.", "Your team at " + hotel);
            case PRE_CHECK_IN -> message("See you tomorrow at " + hotel, greeting,
                    "we are looking forward to welcoming you tomorrow at " + hotel + " (reservation " + id + ").",
                    dates, "Reply to this e-mail to tell us when you expect to arrive.", "Your team at " + hotel);
            case IN_STAY -> message("How is your stay at " + hotel + "?", greeting,
                    "we hope you are enjoying your stay at " + hotel + ".", dates,
                    "If there is anything we can do for you, let the front desk know or reply to this e-mail.",
                    "Your team at " + hotel);
            case POST_STAY_SURVEY -> message("How was your stay at " + hotel + "?", greeting,
                    "thank you for staying at " + hotel + " (reservation " + id + ").", dates,
                    "We would love to hear how it was: reply to this e-mail with your thoughts.",
                    "Your team at " + hotel);
            case NO_SHOW -> message("We missed you at " + hotel, greeting,
                    "we were expecting you at " + hotel + " (reservation " + id + ") and are sorry we did not see you.",
                    dates, "If your plans changed, reply to this e-mail and we will gladly help you find new dates.",
                    "Your team at " + hotel);
            case MODIFICATION -> message("Your reservation " + id + " at " + hotel + " has changed", greeting,
                    "your reservation " + id + " at " + hotel + " has changed. This is your booking as it stands now:",
                    dates + terms(c, "Room", "Rate", "Guests", "adults", "children"),
                    "If this is not what you expected, reply to this e-mail.", "Your team at " + hotel);
            case CANCELLATION -> message("Your reservation " + id + " at " + hotel + " is cancelled", greeting,
                    "your reservation " + id + " at " + hotel + " has been cancelled.", dates,
                    "If you did not expect this, reply to this e-mail and we will gladly help.",
                    "Your team at " + hotel);
            case CAMPAIGN -> throw new IllegalArgumentException("a campaign mail is rendered by renderCampaign");
        };
    }

    private EmailMessage german(JourneyStep step, EmailContext c) {
        String id = c.pmsReservationId();
        String hotel = c.hotelName();
        String arrival = GERMAN_DATE.format(c.arrival());
        String departure = GERMAN_DATE.format(c.departure());
        String greeting = c.guestName() == null || c.guestName().isBlank()
                ? "Liebe Gäste," : "Guten Tag " + c.guestName() + ",";
        String dates = "Anreise: " + arrival + "\nAbreise: " + departure;
        return switch (step) {
            case CONFIRMATION -> message("Ihre Reservierung " + id + " im " + hotel + " ist bestätigt", greeting,
                    "vielen Dank für Ihre Reservierung " + id + " im " + hotel + ". Wir haben sie bestätigt.", dates,
                    "Wir freuen uns auf Ihren Besuch.", "Ihr Team des " + hotel);
            case PRE_STAY -> message("Ihr Aufenthalt im " + hotel + " beginnt am " + arrival, greeting,
                    "Ihr Aufenthalt im " + hotel + " (Reservierung " + id + ") steht bevor.", dates,
                    "Haben Sie Wünsche für Ihren Aufenthalt? Antworten Sie einfach auf diese E-Mail.",
                    "Ihr Team des " + hotel);
            case PRE_CHECK_IN -> message("Bis morgen im " + hotel, greeting,
                    "wir freuen uns, Sie morgen im " + hotel + " begrüßen zu dürfen (Reservierung " + id + ").", dates,
                    "Teilen Sie uns gern mit, wann Sie voraussichtlich ankommen.", "Ihr Team des " + hotel);
            case IN_STAY -> message("Wie gefällt Ihnen Ihr Aufenthalt im " + hotel + "?", greeting,
                    "wir hoffen, Sie genießen Ihren Aufenthalt im " + hotel + ".", dates,
                    "Können wir etwas für Sie tun? Sprechen Sie die Rezeption an oder antworten Sie auf diese E-Mail.",
                    "Ihr Team des " + hotel);
            case POST_STAY_SURVEY -> message("Wie war Ihr Aufenthalt im " + hotel + "?", greeting,
                    "vielen Dank für Ihren Aufenthalt im " + hotel + " (Reservierung " + id + ").", dates,
                    "Wir freuen uns über Ihre Rückmeldung: antworten Sie einfach auf diese E-Mail.",
                    "Ihr Team des " + hotel);
            case NO_SHOW -> message("Wir haben Sie im " + hotel + " vermisst", greeting,
                    "wir hatten Sie im " + hotel + " erwartet (Reservierung " + id + ") und bedauern, dass Sie nicht "
                            + "kommen konnten.", dates,
                    "Haben sich Ihre Pläne geändert? Antworten Sie auf diese E-Mail, wir helfen gern mit neuen Daten.",
                    "Ihr Team des " + hotel);
            case MODIFICATION -> message("Ihre Reservierung " + id + " im " + hotel + " wurde geändert", greeting,
                    "Ihre Reservierung " + id + " im " + hotel + " wurde geändert. So sieht Ihre Buchung jetzt aus:",
                    dates + terms(c, "Zimmer", "Rate", "Gäste", "Erwachsene", "Kinder"),
                    "Entspricht das nicht Ihren Erwartungen? Antworten Sie einfach auf diese E-Mail.",
                    "Ihr Team des " + hotel);
            case CANCELLATION -> message("Ihre Reservierung " + id + " im " + hotel + " ist storniert", greeting,
                    "Ihre Reservierung " + id + " im " + hotel + " wurde storniert.", dates,
                    "Haben Sie das nicht erwartet? Antworten Sie auf diese E-Mail, wir helfen gern.",
                    "Ihr Team des " + hotel);
            case CAMPAIGN -> throw new IllegalArgumentException("a campaign mail is rendered by renderCampaign");
        };
    }

    /** The booking terms known, one line each, after the dates. */
    private static String terms(EmailContext c, String room, String rate, String guests, String adults,
                                String children) {
        StringBuilder lines = new StringBuilder();
        if (c.roomTypeCode() != null) {
            lines.append('\n').append(room).append(": ").append(c.roomTypeCode());
        }
        if (c.ratePlanCode() != null) {
            lines.append('\n').append(rate).append(": ").append(c.ratePlanCode());
        }
        if (c.adults() != null) {
            lines.append('\n').append(guests).append(": ").append(c.adults()).append(' ').append(adults);
            if (c.children() != null && c.children() > 0) {
                lines.append(", ").append(c.children()).append(' ').append(children);
            }
        }
        return lines.toString();
    }

    private static EmailMessage message(String subject, String greeting, String lead, String dates, String closing,
                                        String signature) {
        String text = greeting + "\n\n" + lead + "\n\n" + dates + "\n\n" + closing + "\n\n" + signature + "\n";
        String html = """
                <!DOCTYPE html>
                <html><body>
                <p>%s</p>
                <p>%s</p>
                <p>%s</p>
                <p>%s</p>
                <p>%s</p>
                </body></html>
                """.formatted(escape(greeting), escape(lead), escape(dates).replace("\n", "<br>"), escape(closing),
                escape(signature));
        return new EmailMessage(subject, text, html);
    }

    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(ch);
            }
        }
        return escaped.toString();
    }

}
