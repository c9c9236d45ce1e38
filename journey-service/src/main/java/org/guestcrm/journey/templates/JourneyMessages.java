package org.guestcrm.journey.templates;

import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.guestcrm.journey.domain.EmailContext;
import org.guestcrm.journey.domain.JourneyStep;

/**
 * The journey's messages from {@link MessageTemplates}: a step's e-mail or SMS from its reservation
 * ({@link EmailContext}), a campaign's e-mail. Dates are written in the language of the template used.
 */
public final class JourneyMessages {

    private final MessageTemplates templates;

    public JourneyMessages(MessageTemplates templates) {
        this.templates = templates;
    }

    /** The template name of a step: its name in lower case ({@code PRE_CHECK_IN} -> {@code pre_check_in}). */
    public static String templateNameOf(JourneyStep step) {
        return step.name().toLowerCase(Locale.ROOT);
    }

    public MessageTemplates.Rendered email(String tenant, String hotelCode, JourneyStep step, EmailContext context) {
        return email(tenant, hotelCode, step, context, Map.of());
    }

    /** A step's e-mail with {@code links} (e.g. {@code surveyUrl}) among its values; a template may use them. */
    public MessageTemplates.Rendered email(String tenant, String hotelCode, JourneyStep step, EmailContext context,
                                           Map<String, Object> links) {
        Function<String, Map<String, Object>> values = valuesOf(context);
        return templates.email(new MessageTemplates.Key(tenant, hotelCode, templateNameOf(step)), context.languageTag(),
                language -> {
                    Map<String, Object> all = values.apply(language);
                    all.put("surveyUrl", null);
                    all.putAll(links);
                    return all;
                });
    }

    public MessageTemplates.Rendered sms(String tenant, String hotelCode, JourneyStep step, EmailContext context) {
        return templates.sms(new MessageTemplates.Key(tenant, hotelCode, templateNameOf(step)), context.languageTag(),
                valuesOf(context));
    }

    /** Whether every built-in language has an SMS text for {@code step}. */
    public boolean hasSmsText(JourneyStep step) {
        return templates.builtInHas(templateNameOf(step), "sms");
    }

    /**
     * A campaign's e-mail (the tenant's default template, {@code campaign}): its name as subject, the segment's hotels,
     * the unsubscribe link in the body too (null: none).
     */
    public MessageTemplates.Rendered campaign(String tenant, String hotelCode, String campaignName, String hotels,
                                              String languageTag, String unsubscribeUrl) {
        return campaign(tenant, hotelCode, DEFAULT_CAMPAIGN_TEMPLATE, campaignName, hotels, languageTag, unsubscribeUrl);
    }

    /** The tenant's default campaign template's name (its chain: hotel, tenant, built-in). */
    public static final String DEFAULT_CAMPAIGN_TEMPLATE = "campaign";

    /** The values a campaign's template may use. */
    public static final java.util.Set<String> CAMPAIGN_VALUES = java.util.Set.of("campaignName", "hotels",
            "unsubscribeUrl", "language");

    /** A campaign's e-mail from the template {@code template} (a campaign's named template, else the default). */
    public MessageTemplates.Rendered campaign(String tenant, String hotelCode, String template, String campaignName,
                                              String hotels, String languageTag, String unsubscribeUrl) {
        return templates.email(new MessageTemplates.Key(tenant, hotelCode, template), languageTag,
                language -> campaignValues(campaignName, hotels, unsubscribeUrl, language));
    }

    /** A campaign's e-mail from its own inline subject, text and HTML (null: the text in the layout). */
    public MessageTemplates.Rendered inlineCampaign(String subject, String text, String html, String contentLanguage,
                                                    String campaignName, String hotels, String unsubscribeUrl) {
        return templates.inline(subject, text, html, contentLanguage,
                campaignValues(campaignName, hotels, unsubscribeUrl, contentLanguage));
    }

    private static Map<String, Object> campaignValues(String campaignName, String hotels, String unsubscribeUrl,
                                                      String language) {
        Map<String, Object> values = new HashMap<>();
        values.put("campaignName", campaignName);
        values.put("hotels", hotels);
        values.put("unsubscribeUrl", unsubscribeUrl);
        values.put("language", language);
        return values;
    }

    /**
     * A guest occasion's e-mail (win-back, birthday, stay anniversary) from {@code template} (the step's name unless the
     * tenant or hotel configured another): the hotel, the unsubscribe link in the body too (null: none).
     */
    public MessageTemplates.Rendered occasion(String tenant, String hotelCode, String template, String hotel,
                                              String languageTag, String unsubscribeUrl) {
        return templates.email(new MessageTemplates.Key(tenant, hotelCode, template), languageTag, language -> {
            Map<String, Object> values = new HashMap<>();
            values.put("hotel", hotel);
            values.put("unsubscribeUrl", unsubscribeUrl);
            values.put("language", language);
            return values;
        });
    }

    static Function<String, Map<String, Object>> valuesOf(EmailContext c) {
        return language -> {
            DateTimeFormatter dates = datesIn(language);
            Map<String, Object> values = new HashMap<>();
            values.put("reservationId", c.pmsReservationId());
            values.put("hotel", c.hotelName());
            values.put("arrival", dates.format(c.arrival()));
            values.put("departure", dates.format(c.departure()));
            values.put("guestName", c.guestName() == null || c.guestName().isBlank() ? null : c.guestName().strip());
            values.put("room", c.roomTypeCode());
            values.put("rate", c.ratePlanCode());
            values.put("adults", c.adults());
            values.put("children", c.children());
            values.put("language", language);
            values.put("unsubscribeUrl", null);
            return values;
        };
    }

    static DateTimeFormatter datesIn(String language) {
        return switch (language) {
            case "de" -> DateTimeFormatter.ofPattern("EEEE, d. MMMM yyyy", Locale.GERMAN);
            case "fr" -> DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.FRENCH);
            default -> DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.forLanguageTag(language));
        };
    }
}
