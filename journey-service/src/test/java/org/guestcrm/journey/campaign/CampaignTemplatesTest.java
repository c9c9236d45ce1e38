package org.guestcrm.journey.campaign;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

/**
 * Per-campaign templates (issue 9): a campaign mailed from its own inline Qute subject/text/HTML or from a named
 * template of the tenant's template directory, each with the one-click unsubscribe headers; bad templates refused at
 * POST with a 400 naming the field. Through the API, Kafka (crm.guests, crm.consents), PostgreSQL and GreenMail.
 */
@QuarkusTest
@TestProfile(CampaignTemplatesTest.WithTemplateDirectory.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class CampaignTemplatesTest {

    static final String TENANT = "tpl-tenant";
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The application with a templates directory holding the tenant's named template {@code spring_offer}. */
    public static class WithTemplateDirectory implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path root = Files.createTempDirectory("journey-templates");
                Path tenant = Files.createDirectories(root.resolve(TENANT));
                Files.writeString(tenant.resolve("spring_offer.en.txt"), """
                        {#fragment id=subject rendered=false}Spring at {hotels}: {campaignName}{/fragment}
                        {#fragment id=text rendered=false}
                        Spring is here. {campaignName}.

                        Unsubscribe: {unsubscribeUrl}
                        {/fragment}""", StandardCharsets.UTF_8);
                Files.writeString(tenant.resolve("spring_offer.en.html"), """
                        <html><body><h1 class="spring">{campaignName}</h1>
                        <a href="{unsubscribeUrl}">Unsubscribe</a></body></html>""", StandardCharsets.UTF_8);
                Files.writeString(tenant.resolve("no_link.en.txt"), """
                        {#fragment id=subject rendered=false}{campaignName}{/fragment}
                        {#fragment id=text rendered=false}No way out.{/fragment}""", StandardCharsets.UTF_8);
                return Map.of("journey.templates.directory", root.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void aLaunchedCampaignIsMailedFromItsOwnInlineTemplateWithTheUnsubscribeHeaders() throws Exception {
        String hotel = "TPL" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String email = guest(hotel, "inline");
        String body = """
                {"name": "Blossom week", "channel": "EMAIL", "segment": {"hotelCodes": ["%s"]}, "schedule": "now",
                 "content": {"subject": "Blossom at {hotels}",
                             "text": "Dear guest,\\n\\n{campaignName} has begun.\\n\\nUnsubscribe: {unsubscribeUrl}",
                             "html": "<p class=\\"own\\">{campaignName} has <b>begun</b></p><a href=\\"{unsubscribeUrl}\\">stop</a>",
                             "language": "en"}}""".formatted(hotel);
        JsonPath created = Staff.as(TENANT, Roles.MARKETER).contentType(ContentType.JSON).body(body)
                .post("/api/v1/campaigns").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        assertEquals("Blossom at {hotels}", created.getString("content.subject"));
        assertEquals(null, created.getString("template"));
        launchWhenReady(id);

        MimeMessage mail = awaitMailTo(email);
        assertEquals("Blossom at " + hotel, mail.getSubject());
        assertEquals("inline campaign " + id + ".en", mail.getHeader("X-GuestCRM-Template")[0]);
        assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);
        String link = mail.getHeader("List-Unsubscribe")[0];
        assertTrue(link.startsWith("<http://localhost:8084/api/v1/unsubscribe?t=v1."), link);
        String url = link.substring(1, link.length() - 1);
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        assertTrue(text.contains("Blossom week has begun.") && text.contains("Unsubscribe: " + url), text);
        assertTrue(html.contains("<p class=\"own\">Blossom week has <b>begun</b></p>"), html);
        assertTrue(html.contains("href=\"" + url.replace("&", "&amp;") + "\"") || html.contains("href=\"" + url + "\""),
                html);
        assertFalse(text.contains("we have news for you"), "not the default template");
    }

    @Test
    void aCampaignNamingATemplateOfTheTenantIsMailedFromItAndNoneNamedFallsBackToTheDefault() throws Exception {
        String hotel = "TPL" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String email = guest(hotel, "named");
        String id = Staff.as(TENANT, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"Easter\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\"" + hotel
                        + "\"]}, \"schedule\": \"now\", \"template\": \"spring_offer\"}")
                .post("/api/v1/campaigns").then().statusCode(201)
                .body("template", org.hamcrest.Matchers.equalTo("spring_offer")).extract().jsonPath().getString("id");
        launchWhenReady(id);
        MimeMessage mail = awaitMailTo(email);
        assertEquals("Spring at " + hotel + ": Easter", mail.getSubject());
        assertEquals("tenant spring_offer.en", mail.getHeader("X-GuestCRM-Template")[0]);
        assertTrue(part(mail, "text/html").contains("<h1 class=\"spring\">Easter</h1>"));
        assertEquals(1, mail.getHeader("List-Unsubscribe").length);

        // No template named: the tenant's default (here the built-in one), as before.
        String other = "TPL" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String plain = guest(other, "default");
        String second = Staff.as(TENANT, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"Plain\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\"" + other
                        + "\"]}, \"schedule\": \"now\"}")
                .post("/api/v1/campaigns").then().statusCode(201)
                .body("template", org.hamcrest.Matchers.equalTo("campaign")).extract().jsonPath().getString("id");
        launchWhenReady(second);
        MimeMessage fallback = awaitMailTo(plain);
        assertEquals("built-in campaign.en", fallback.getHeader("X-GuestCRM-Template")[0]);
        assertEquals("Plain", fallback.getSubject());
    }

    @Test
    void aBadTemplateIsRefusedAtPostWith400NamingTheField() {
        assertEquals(List.of("content.subject"), invalid("\"content\": {\"subject\": \"{#if campaignName}open\", "
                + "\"text\": \"{unsubscribeUrl}\"}"));
        assertEquals(List.of("content.text"), invalid("\"content\": {\"subject\": \"Hi\", \"text\": \"no link here\"}"));
        assertEquals(List.of("content.text"), invalid("\"content\": {\"subject\": \"Hi\", "
                + "\"text\": \"Dear {guestName}, {unsubscribeUrl}\"}"));
        assertEquals(List.of("content.html"), invalid("\"content\": {\"subject\": \"Hi\", \"text\": \"{unsubscribeUrl}\", "
                + "\"html\": \"<p>{campaignName}</p>\"}"));
        assertEquals(List.of("content.subject", "content.language"), invalid("\"content\": {\"text\": \"{unsubscribeUrl}\", "
                + "\"language\": \"English\"}"));
        assertEquals(List.of("template"), invalid("\"template\": \"nope\""));
        assertEquals(List.of("template"), invalid("\"template\": \"../etc\""));
        assertEquals(List.of("template"), invalid("\"template\": \"no_link\""));
        assertEquals(List.of("template"), invalid("\"template\": \"spring_offer\", \"content\": {\"subject\": \"Hi\", "
                + "\"text\": \"{unsubscribeUrl}\"}"));
        String reason = Staff.as(TENANT, Roles.MARKETER).contentType(ContentType.JSON)
                .body(bodyWith("\"content\": {\"subject\": \"{#if campaignName}open\", \"text\": \"{unsubscribeUrl}\"}"))
                .post("/api/v1/campaigns").then().statusCode(400).extract().jsonPath().getString("invalidParams[0].reason");
        assertTrue(reason.startsWith("is not a valid Qute template"), reason);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String bodyWith(String extra) {
        return "{\"name\": \"x\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\"TPLBAD\"]}, "
                + "\"schedule\": \"now\", " + extra + "}";
    }

    private static List<String> invalid(String extra) {
        return Staff.as(TENANT, Roles.MARKETER).contentType(ContentType.JSON).body(bodyWith(extra))
                .post("/api/v1/campaigns").then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath().getList("invalidParams.name");
    }

    private static void launchWhenReady(String id) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> Staff.as(TENANT, Roles.MARKETER)
                .post("/api/v1/campaigns/" + id + "/preview").jsonPath().getInt("wouldReceive") == 1);
        Staff.as(TENANT, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/launch").then().statusCode(200);
    }

    private static MimeMessage awaitMailTo(String email) {
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(email).size() == 1);
        return MailServer.shared().messagesTo(email).getFirst();
    }

    private static String part(MimeMessage mail, String type) throws Exception {
        Object content = mail.getContent();
        if (content instanceof Multipart multipart) {
            String found = find(multipart, type);
            if (found != null) {
                return found;
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    private static String find(Multipart multipart, String type) throws Exception {
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.getContent() instanceof Multipart nested) {
                String found = find(nested, type);
                if (found != null) {
                    return found;
                }
            } else if (part.isMimeType(type)) {
                return part.getContent().toString();
            }
        }
        return null;
    }

    /** A golden guest of {@code hotel} with GRANTED marketing consent; returns its address. */
    private static String guest(String hotel, String name) {
        String email = name + "-" + hotel.toLowerCase() + "@example.com";
        String guestId = "g-" + name + "-" + hotel;
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, GuestUpdated.newBuilder()
                .setMetadata(metadata("GuestUpdated")).setGuestId(guestId).setVersion(1).setLanguage("en")
                .setEmails(List.of(ContactPoint.newBuilder().setValue(email).setPrimary(true).setSources(List.of()).build()))
                .setStayCount(1)
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-" + guestId).setHotelCode(hotel).build()))
                .build());
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), TENANT + ":EMAIL:MARKETING:" + email,
                ConsentChanged.newBuilder().setMetadata(metadata("ConsentChanged")).setContactPoint(email)
                        .setChannel(ConsentChannel.EMAIL).setPurpose(ConsentPurpose.MARKETING)
                        .setStatus(ConsentStatus.GRANTED).setSource(ConsentSource.PREFERENCE_CENTRE)
                        .setEffectiveAt(Instant.now().minus(1, ChronoUnit.DAYS)).setGuestId(guestId).setHotelCode(hotel)
                        .setEvidence(null).build());
        return email;
    }

    private static EventMetadata metadata(String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(TENANT).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }
}
