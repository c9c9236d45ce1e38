package org.guestcrm.journey.tracking;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Open and click tracking through the real parts: a post-stay survey mail (Kafka, PostgreSQL, GreenMail) carries an
 * open pixel and its survey link as a signed click redirect in the HTML part; hostile requests (an altered token, a
 * foreign URL, no URL, a token of the wrong scope, a message unknown to the token's tenant, a token of another tenant
 * for this message) are refused with a problem naming the field and record nothing; the guest's open and click are
 * recorded once each however often they come, and the KPI API reports them.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class TrackingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PIXEL = Pattern.compile("<img src=\"http://localhost:8083(/api/v1/track/open/[A-Za-z0-9._-]+)\"");
    private static final Pattern CLICK = Pattern.compile(
            "href=\"http://localhost:8083(/api/v1/track/click/[A-Za-z0-9._-]+)\\?url=([^\"&]+)\"");

    @Inject
    EntityManager entityManager;

    @Test
    void opensAndClicksAreRecordedOncePerMessageAndHostileLinksAreRefused() throws Exception {
        Booking booking = Booking.unique();
        UUID survey = surveyMailed(booking);
        String html = htmlOf(booking.email());
        Matcher pixel = PIXEL.matcher(html);
        assertTrue(pixel.find(), "the HTML part ends with the open pixel: " + html);
        Matcher click = CLICK.matcher(html);
        assertTrue(click.find(), "the survey link is a click redirect: " + html);
        String clickPath = click.group(1);
        String target = URLDecoder.decode(click.group(2), StandardCharsets.UTF_8);
        assertTrue(target.startsWith("http://localhost:8083/survey/"), target);

        // Hostile: each refused with the field named, nothing recorded.
        String token = clickPath.substring(clickPath.lastIndexOf('/') + 1);
        String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        refused(get("/api/v1/track/click/" + altered, target), 400, "token");
        refused(get(clickPath, "https://evil.example/login"), 400, "url");
        refused(get(clickPath, target + "x"), 400, "url");
        refused(get(clickPath, null), 400, "url");
        refused(get("/api/v1/track/open/" + token, null), 400, "token"); // a click token is no open token
        refused(get("/api/v1/track/open/not-a-token", null), 400, "token");
        SignedLinks links = SignedLinks.fromConfig();
        refused(get("/api/v1/track/open/" + links.sign(MailTracking.OPEN_SCOPE, booking.tenant(),
                UUID.randomUUID().toString(), Duration.ofDays(1)), null), 404, "token");
        refused(get("/api/v1/track/open/" + links.sign(MailTracking.OPEN_SCOPE, "another-tenant",
                survey.toString(), Duration.ofDays(1)), null), 404, "token");
        refused(get("/api/v1/track/click/" + links.sign(MailTracking.CLICK_SCOPE, "another-tenant",
                MailTracking.clickSubject(survey, target), Duration.ofDays(1)), target), 404, "token");
        assertNull(engagement(survey)[0], "no open recorded by a refused request");
        assertNull(engagement(survey)[1], "no click recorded by a refused request");
        assertEquals(0, kpi(booking, "opened"));
        assertEquals(0, kpi(booking, "clicked"));

        // The guest opens the mail twice: one open.
        Response open = get(pixel.group(1), null);
        assertEquals(200, open.statusCode());
        assertEquals("image/gif", open.contentType());
        Object firstOpen = engagement(survey)[0];
        assertNotNull(firstOpen);
        assertEquals(200, get(pixel.group(1), null).statusCode());
        assertEquals(firstOpen, engagement(survey)[0], "the first open stays the one recorded");

        // ... and follows the link three times: redirected each time, one click.
        for (int i = 0; i < 3; i++) {
            Response redirect = get(clickPath, target);
            assertEquals(302, redirect.statusCode());
            assertEquals(target, redirect.header("Location"));
        }
        assertNotNull(engagement(survey)[1]);
        assertEquals(firstOpen, engagement(survey)[0]);
        assertEquals(1, kpi(booking, "opened"));
        assertEquals(1, kpi(booking, "clicked"));

        // Published once each on crm.communications: the booking's cancellation afterwards (its pending steps'
        // CANCELLED, same key, relayed in order) marks the point by which a second OPENED or CLICKED would be there.
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(2, ReservationStatus.CANCELLED, arrival, arrival.plusDays(3)));
        KafkaTestClients.<CommunicationEvent>awaitAvroRecords(Topic.CRM_COMMUNICATIONS.topicName(),
                (ConsumerRecord<String, CommunicationEvent> r) -> r.value() != null
                        && booking.key().equals(r.key())
                        && r.value().getStatus() == CommunicationStatus.CANCELLED, 1, WAIT);
        List<CommunicationEvent> engagementEvents = KafkaTestClients.<CommunicationEvent>readAvro(
                        Topic.CRM_COMMUNICATIONS.topicName()).stream()
                .map(ConsumerRecord::value)
                .filter(e -> e != null && e.getCommunicationId().equals(survey)
                        && (e.getStatus() == CommunicationStatus.OPENED || e.getStatus() == CommunicationStatus.CLICKED))
                .toList();
        assertEquals(List.of(CommunicationStatus.OPENED, CommunicationStatus.CLICKED),
                engagementEvents.stream().map(CommunicationEvent::getStatus).toList());
        assertNull(engagementEvents.get(0).getContactPoint(), "an open names no address");
    }

    private static Response get(String path, String url) {
        var request = given().redirects().follow(false);
        if (url != null) {
            request = request.queryParam("url", url);
        }
        return request.get(path);
    }

    private static void refused(Response response, int status, String field) {
        assertEquals(status, response.statusCode(), response.asString());
        assertEquals("application/problem+json", response.contentType());
        assertEquals(List.of(field), response.jsonPath().getList("invalidParams.name"), response.asString());
    }

    /** The POST_STAY_SURVEY step's figure of the booking's hotel. */
    private static int kpi(Booking booking, String figure) {
        JsonPath kpis = Staff.as(booking.tenant(), Roles.MARKETER).get("/api/v1/kpis/" + booking.tenant())
                .then().statusCode(200).extract().jsonPath();
        return kpis.getInt("steps.find { it.step == 'POST_STAY_SURVEY' }.figures." + figure);
    }

    private Object[] engagement(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> (Object[]) entityManager.createNativeQuery(
                        "SELECT first_opened_at, first_clicked_at FROM communication WHERE id = :id")
                .setParameter("id", id).getSingleResult());
    }

    private UUID surveyMailed(Booking booking) {
        LocalDate arrival = LocalDate.now().plusDays(30);
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3)));
        UUID survey = UUID.fromString(awaitCommunications(booking, "POST_STAY_SURVEY", "SCHEDULED")
                .getString("find { it.step == 'POST_STAY_SURVEY' }.id"));
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                        "UPDATE communication SET due_at = now() - interval '1 minute' WHERE id = :id")
                .setParameter("id", survey).executeUpdate());
        awaitCommunications(booking, "POST_STAY_SURVEY", "SENT");
        return survey;
    }

    private static JsonPath awaitCommunications(Booking booking, String step, String status) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            last[0] = response.statusCode() == 200 ? response.jsonPath() : null;
            return last[0] != null && status.equals(last[0].getString("find { it.step == '" + step + "' }.status"));
        });
        return last[0];
    }

    /** The HTML part of the post-stay mail to {@code address}. */
    private static String htmlOf(String address) throws Exception {
        MimeMessage[] found = new MimeMessage[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (MimeMessage mail : MailServer.shared().messagesTo(address)) {
                if (mail.getSubject().startsWith("How was your stay")) {
                    found[0] = mail;
                    return true;
                }
            }
            return false;
        });
        String html = htmlOf(found[0].getContent());
        assertNotNull(html, "the post-stay mail has an HTML part");
        return html;
    }

    private static String htmlOf(Object content) throws Exception {
        if (!(content instanceof Multipart parts)) {
            return null;
        }
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("text/html")) {
                return (String) part.getContent();
            }
            if (part.isMimeType("multipart/*")) {
                String html = htmlOf(part.getContent());
                if (html != null) {
                    return html;
                }
            }
        }
        return null;
    }
}
