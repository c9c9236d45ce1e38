package org.guestcrm.journey.api;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.SurveyAnswer;
import org.guestcrm.journey.persistence.SurveyResponseEntity;
import org.guestcrm.journey.survey.SurveyAnswers;
import org.guestcrm.platform.security.SignedLinks;
import org.jboss.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * The post-stay survey page, reached through the signed link of the POST_STAY_SURVEY mail (scope {@value #SCOPE},
 * subject: the communication id): the Net Promoter question, optional ratings of the hotel's aspects, an optional
 * comment. Server-rendered HTML, plain form posts, no script. A guest may come back with the same link and change
 * the answer (a new revision). An expired link answers 410, a malformed or altered one 400, a valid one whose survey
 * is unknown 404, each with a page saying so; a refused answer 400 with the page naming each field in error.
 */
@Path("/survey")
@PermitAll
@Tag(name = "Guest survey", description = "The post-stay survey page (signed link; no staff token)")
public class SurveyResource {

    /** The scope of survey links (SignedLinks). */
    public static final String SCOPE = "survey";
    private static final Logger LOG = Logger.getLogger(SurveyResource.class);
    private static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
    private static final Set<String> PAGE_FIELDS = Set.of("lang");

    @Inject
    SurveyAnswers answers;

    @Inject
    JourneyConfig config;

    /** Null when {@code guestcrm.signed-links.keys} is not configured: then no link is valid. */
    private SignedLinks links;

    /** The tenants' and hotels' own survey words (journey.templates.directory), over the built-in ones. */
    private SurveyTextOverrides words;

    @PostConstruct
    void init() {
        words = new SurveyTextOverrides(config.templates().path());
        if (ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class).isPresent()) {
            links = SignedLinks.fromConfig();
        }
    }

    @GET
    @Path("{token}")
    @Produces(HTML)
    @Operation(summary = "The survey page of a signed link", description = "The form, filled with the answer given "
            + "before if any. Language: ?lang= (en, fr, de), else the guest's, else Accept-Language, else English.")
    @APIResponse(responseCode = "200", description = "The survey form")
    @APIResponse(responseCode = "400", description = "The link is malformed or altered (a page says so)")
    @APIResponse(responseCode = "404", description = "No such survey (a page says so)")
    @APIResponse(responseCode = "410", description = "The link has expired (a page says so)")
    public Response open(@PathParam("token") String token, @QueryParam("lang") String lang,
                         @HeaderParam("Accept-Language") String acceptLanguage) {
        Opened opened = openLink(token, lang, acceptLanguage);
        if (opened.refusal() != null) {
            return opened.refusal();
        }
        SurveyAnswers.Survey survey = opened.survey();
        SurveyResponseEntity held = survey.answer();
        Map<String, String> ratings = new java.util.HashMap<>();
        if (held != null) {
            held.ratings.forEach((aspect, rating) -> ratings.put(aspect, String.valueOf(rating)));
        }
        return page(200, SurveyPage.form(new SurveyPage.Form(opened.lang(), hotelOf(survey), actionOf(token),
                aspectsOf(survey), held == null ? null : String.valueOf(held.score), ratings,
                held == null ? null : held.comment, Map.of(), held == null ? null : held.answeredAt, zoneOf(survey)),
                wordsOf(opened.lang(), survey)));
    }

    @POST
    @Path("{token}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(HTML)
    @Operation(summary = "Submit or change the survey answer", description = "Form fields: score (0-10, required), "
            + "rating.<aspect> (1-5, optional, the hotel's aspects only), comment (optional, at most 2,000 characters), "
            + "lang. Stores the answer (a change raises its revision) and publishes SurveyAnswered.")
    @APIResponse(responseCode = "200", description = "Saved (a thank-you page)")
    @APIResponse(responseCode = "400", description = "A field is wrong (the form again, naming each field), or the "
            + "link is malformed or altered")
    @APIResponse(responseCode = "404", description = "No such survey")
    @APIResponse(responseCode = "410", description = "The link has expired")
    public Response submit(@PathParam("token") String token, @HeaderParam("Accept-Language") String acceptLanguage,
                           MultivaluedMap<String, String> form) {
        Map<String, List<String>> fields = form == null ? Map.of() : form;
        String asked = fields.containsKey("lang") && !fields.get("lang").isEmpty() ? fields.get("lang").getFirst() : null;
        Opened opened = openLink(token, asked, acceptLanguage);
        if (opened.refusal() != null) {
            return opened.refusal();
        }
        SurveyAnswers.Survey survey = opened.survey();
        List<String> aspects = aspectsOf(survey);
        SurveyAnswer.Reading reading = SurveyAnswer.read(fields, aspects, PAGE_FIELDS);
        if (reading instanceof SurveyAnswer.Invalid invalid) {
            Map<String, String> ratings = new java.util.HashMap<>();
            for (String aspect : aspects) {
                List<String> values = fields.get(SurveyAnswer.RATING_PREFIX + aspect);
                if (values != null && !values.isEmpty()) {
                    ratings.put(aspect, values.getFirst());
                }
            }
            List<String> comment = fields.get(SurveyAnswer.COMMENT);
            List<String> score = fields.get(SurveyAnswer.SCORE);
            LOG.debugf("Survey of communication %s: answer refused, fields %s.", survey.communication().id,
                    invalid.errors().keySet());
            SurveyResponseEntity held = survey.answer();
            return page(400, SurveyPage.form(new SurveyPage.Form(opened.lang(), hotelOf(survey), actionOf(token),
                    aspects, score == null || score.isEmpty() ? null : score.getFirst(), ratings,
                    comment == null || comment.isEmpty() ? null : comment.getFirst(), invalid.errors(),
                    held == null ? null : held.answeredAt, zoneOf(survey)), wordsOf(opened.lang(), survey)));
        }
        SurveyAnswer answer = ((SurveyAnswer.Valid) reading).answer();
        Optional<SurveyResponseEntity> saved = answers.answer(opened.grant().tenant(), survey.communication().id, answer,
                opened.lang());
        if (saved.isEmpty()) {
            return notFound(opened.lang());
        }
        return page(200, SurveyPage.message(opened.lang(), wordsOf(opened.lang(), survey), hotelOf(survey),
                "savedTitle", "savedText",
                opened.grant().expiresAt(), zoneOf(survey), actionOf(token) + "?lang=" + opened.lang()));
    }

    private record Opened(SignedLinks.Grant grant, SurveyAnswers.Survey survey, String lang, Response refusal) {
    }

    /** The link's survey, or the page that refuses it (400 malformed/altered, 410 expired, 404 unknown). */
    private Opened openLink(String token, String askedLang, String acceptLanguage) {
        String fallbackLang = SurveyTexts.choose(askedLang, null, acceptLanguage);
        if (links == null) {
            return new Opened(null, null, fallbackLang, invalid(fallbackLang));
        }
        SignedLinks.Grant grant;
        try {
            grant = links.verify(token, SCOPE);
        } catch (SignedLinks.InvalidLinkException e) {
            LOG.debugf("A survey link was refused: %s.", e.reason());
            if ("expired".equals(e.reason())) {
                return new Opened(null, null, fallbackLang, page(410, SurveyPage.message(fallbackLang, null,
                        "expiredTitle", "expiredText", null, null, null)));
            }
            return new Opened(null, null, fallbackLang, invalid(fallbackLang));
        }
        UUID communicationId;
        try {
            communicationId = UUID.fromString(grant.subject());
        } catch (IllegalArgumentException e) {
            return new Opened(null, null, fallbackLang, invalid(fallbackLang));
        }
        Optional<SurveyAnswers.Survey> survey = answers.find(grant.tenant(), communicationId);
        if (survey.isEmpty()) {
            return new Opened(grant, null, fallbackLang, notFound(fallbackLang));
        }
        String guestLanguage = survey.get().reservation() == null ? null : survey.get().reservation().guestLanguage;
        return new Opened(grant, survey.get(), SurveyTexts.choose(askedLang, guestLanguage, acceptLanguage), null);
    }

    private static Response invalid(String lang) {
        return page(400, SurveyPage.message(lang, null, "invalidTitle", "invalidText", null, null, null));
    }

    private static Response notFound(String lang) {
        return page(404, SurveyPage.message(lang, null, "notFoundTitle", "notFoundText", null, null, null));
    }

    private static Response page(int status, String html) {
        return Response.status(status).type(HTML).entity(html).build();
    }

    private static String actionOf(String token) {
        return "/survey/" + token;
    }

    private List<String> aspectsOf(SurveyAnswers.Survey survey) {
        return config.surveyAspectsOf(survey.communication().tenant, survey.communication().hotelCode);
    }

    private Map<String, String> wordsOf(String lang, SurveyAnswers.Survey survey) {
        return words.of(lang, survey.communication().tenant, survey.communication().hotelCode);
    }

    private static String hotelOf(SurveyAnswers.Survey survey) {
        String name = survey.reservation() == null ? null : survey.reservation().hotelName;
        return name == null || name.isBlank() ? survey.communication().hotelCode : name;
    }

    private ZoneId zoneOf(SurveyAnswers.Survey survey) {
        return config.zoneOf(survey.communication().tenant, survey.communication().hotelCode);
    }
}
