package org.guestcrm.journey.campaign;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.journey.it.Campaigns.awaitCampaign;
import static org.guestcrm.journey.it.Campaigns.awaitPreview;
import static org.guestcrm.journey.it.Campaigns.create;
import static org.guestcrm.journey.it.Campaigns.emailOf;
import static org.guestcrm.journey.it.Campaigns.guest;
import static org.guestcrm.journey.it.Campaigns.launch;
import static org.guestcrm.journey.it.Campaigns.reasonOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

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
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.SignedLinks;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Campaigns end to end: guests from crm.guests, consents from crm.consents (Kafka, registry), planned in PostgreSQL,
 * mailed by the lease-and-send dispatcher to GreenMail with the RFC 8058 headers.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class CampaignTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCampaignReachesTheGuestsWhoMayReceiveItWithOneClickUnsubscribeSkipsTheOthersAndSendsNothingTwice()
            throws Exception {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        String ok = guest(tenant, "ok", "BARS", ConsentStatus.GRANTED);
        String out = guest(tenant, "out", "BARS", ConsentStatus.WITHDRAWN);
        String none = guest(tenant, "none", "BARS", null);
        String relay = guest(tenant, "relay", "BARS", ConsentStatus.GRANTED, "r-" + tenant + "@guest.booking.com");
        String noAddress = guest(tenant, "noaddr", "BARS", null, null);
        guest(tenant, "elsewhere", "OTHR", ConsentStatus.GRANTED);

        String id = create(tenant, "{\"name\": \"Winter offers\", \"channel\": \"EMAIL\", "
                + "\"segment\": {\"hotelCodes\": [\"BARS\"]}, \"schedule\": \"now\"}");

        JsonPath preview = awaitPreview(tenant, id, p -> p.getList("guests").size() == 5
                && "opted out (marketing consent withdrawn)".equals(reasonOf(p, out))
                && p.getInt("wouldReceive") == 1);
        assertEquals(true, preview.getBoolean("guests.find { it.guestId == '" + ok + "' }.receives"));
        assertEquals("opted out (marketing consent withdrawn)", reasonOf(preview, out));
        assertEquals("no marketing consent", reasonOf(preview, none));
        assertEquals("relay address (an OTA's forwarding address, not the guest's own)", reasonOf(preview, relay));
        assertEquals("no e-mail address", reasonOf(preview, noAddress));
        assertFalse(preview.prettify().contains("@"), "the preview names guests by id, never by address");

        launch(tenant, id);
        JsonPath campaign = awaitCampaign(tenant, id, c -> c.getInt("counts.SENT") == 1 && c.getInt("counts.SKIPPED") == 4);
        assertEquals("LAUNCHED", campaign.getString("status"));
        assertEquals(1, campaign.getInt("reasons.'no marketing consent'"));

        List<MimeMessage> mails = MailServer.shared().messagesTo(emailOf(tenant, "ok"));
        assertEquals(1, mails.size());
        MimeMessage mail = mails.getFirst();
        assertEquals("Winter offers", mail.getSubject());
        assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post")[0]);
        String link = mail.getHeader("List-Unsubscribe")[0];
        assertTrue(link.startsWith("<http://localhost:8084/api/v1/unsubscribe?t=v1.") && link.endsWith(">"), link);
        SignedLinks.Grant grant = SignedLinks.fromConfig()
                .verify(link.substring(link.indexOf("?t=") + 3, link.length() - 1), "unsubscribe");
        assertEquals(tenant, grant.tenant());
        assertEquals("EMAIL:MARKETING:" + ContactPointRef.of(tenant, "EMAIL", emailOf(tenant, "ok")), grant.subject());
        for (String skipped : List.of("out", "none", "elsewhere")) {
            assertEquals(0, MailServer.shared().messagesTo(emailOf(tenant, skipped)).size(),
                    skipped + " got no campaign mail");
        }
        assertEquals(0, MailServer.shared().messagesTo("r-" + tenant + "@guest.booking.com").size(),
                "no mail to a relay address");

        // Launched again (a client retrying), then once more after a guest joined the segment: only the newcomer is
        // planned and mailed; the first guest's mail going out proves the dispatcher ran in between.
        launch(tenant, id);
        String late = guest(tenant, "late", "BARS", ConsentStatus.GRANTED);
        awaitPreview(tenant, id, p -> Boolean.TRUE.equals(p.get("guests.find { it.guestId == '" + late + "' }.receives")));
        launch(tenant, id);
        awaitCampaign(tenant, id, c -> c.getInt("counts.SENT") == 2);
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(emailOf(tenant, "late")).size() == 1);
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, "ok")).size(), "three launches, one mail");
    }

    @Test
    void aTombstoneOnCrmGuestsRemovesTheGuestAndCancelsTheirPendingCampaignMessage() {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        String gone = guest(tenant, "gone", "BARS", ConsentStatus.GRANTED);
        String schedule = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String id = create(tenant, "{\"name\": \"Spring\", \"channel\": \"EMAIL\", "
                + "\"segment\": {\"hotelCodes\": [\"BARS\"]}, \"schedule\": \"" + schedule + "\"}");
        awaitPreview(tenant, id, p -> p.getInt("wouldReceive") == 1);
        launch(tenant, id);
        awaitCampaign(tenant, id, c -> c.getInt("counts.SCHEDULED") == 1);

        KafkaTestClients.sendRaw(Topic.CRM_GUESTS.topicName(), gone, null);

        JsonPath campaign = awaitCampaign(tenant, id, c -> c.getInt("counts.CANCELLED") == 1);
        assertEquals(1, campaign.getInt("reasons.'guest erased or merged away'"));
        assertEquals(0, awaitPreview(tenant, id, p -> true).getList("guests").size(), "the guest left the directory");
        assertEquals(0, MailServer.shared().messagesTo(emailOf(tenant, "gone")).size());
    }

    @Test
    void aBadBodyIsRefusedWith400NamingEachFieldAndOtherTenantsSeeNothing() {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        JsonPath empty = Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/campaigns").then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath();
        assertEquals(List.of("name", "channel", "segment", "schedule"), empty.getList("invalidParams.name"));

        JsonPath wrong = Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"channel\": \"FAX\", \"segment\": {\"hotelCodes\": []}, \"schedule\": \"soon\"}")
                .post("/api/v1/campaigns").then().statusCode(400).extract().jsonPath();
        assertEquals(List.of("channel", "segment.hotelCodes", "schedule"), wrong.getList("invalidParams.name"));

        Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON).body("not json").post("/api/v1/campaigns")
                .then().statusCode(400).body("invalidParams[0].name", org.hamcrest.Matchers.equalTo("body"));
        Staff.as(tenant, Roles.VIEWER).contentType(ContentType.JSON).body("{}").post("/api/v1/campaigns")
                .then().statusCode(403);

        String id = create(tenant, "{\"name\": \"Mine\", \"channel\": \"EMAIL\", "
                + "\"segment\": {\"hotelCodes\": [\"BARS\"]}, \"schedule\": \"now\"}");
        Staff.as("another-tenant", Roles.MARKETER).get("/api/v1/campaigns/" + id).then().statusCode(404);
        Staff.as("another-tenant", Roles.MARKETER).post("/api/v1/campaigns/" + id + "/launch").then().statusCode(404);
        Staff.as(tenant, Roles.VIEWER).get("/api/v1/campaigns/" + id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("DRAFT"));
    }

    @Inject
    EntityManager entityManager;

    /**
     * Issue 9: a monthly campaign. Its first run reaches the segment; a guest who joins later gets nothing until the
     * next run, which selects the segment anew and mails both, each once; a launch retried after that plans nothing.
     * The month is compressed by moving the campaign's launch and next-run times back in the database (the tests'
     * stand-in for a clock); the service's own recurrence check (every second in tests) runs it.
     */
    @Test
    void aMonthlyCampaignRunsAgainWhenItsNextRunComesSelectingItsSegmentAnewEachGuestOncePerRun() {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        String early = guest(tenant, "early", "REC1", ConsentStatus.GRANTED);
        guest(tenant, "elsewhere", "REC2", ConsentStatus.GRANTED);
        String id = create(tenant, "{\"name\": \"Monthly news\", \"channel\": \"EMAIL\", "
                + "\"segment\": {\"hotelCodes\": [\"REC1\"]}, \"schedule\": \"now\", \"recurrence\": \"monthly\"}");
        JsonPath draft = awaitCampaign(tenant, id, c -> true);
        assertEquals("monthly", draft.getString("recurrence"));
        assertEquals(0, draft.getInt("runs"));
        awaitPreview(tenant, id, p -> p.getInt("wouldReceive") == 1);

        launch(tenant, id);
        JsonPath first = awaitCampaign(tenant, id, c -> c.getInt("counts.SENT") == 1);
        assertEquals(1, first.getInt("runs"));
        Instant launchedAt = Instant.parse(first.getString("launchedAt"));
        assertEquals(launchedAt.atOffset(java.time.ZoneOffset.UTC).plusMonths(1).toInstant(),
                Instant.parse(first.getString("nextRunAt")), "run 2 a month after the first");
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, "early")).size());

        String late = guest(tenant, "late", "REC1", ConsentStatus.GRANTED);
        awaitPreview(tenant, id, p -> p.getInt("wouldReceive") == 2);
        assertEquals(1, awaitCampaign(tenant, id, c -> true).getInt("runs"), "no run before its time");

        // A month passes: the first run was 32 days ago, run 2 is due.
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        UPDATE campaign SET launched_at = launched_at - interval '32 days',
                          next_run_at = now() - interval '1 second' WHERE id = :id""")
                .setParameter("id", UUID.fromString(id)).executeUpdate());
        JsonPath second = awaitCampaign(tenant, id, c -> c.getInt("counts.SENT") == 3);
        assertEquals(2, second.getInt("runs"));
        assertTrue(Instant.parse(second.getString("nextRunAt")).isAfter(Instant.now().plus(20, ChronoUnit.DAYS)),
                "run 3 is a month after run 2: " + second.getString("nextRunAt"));
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(emailOf(tenant, "late")).size() == 1);
        assertEquals(2, MailServer.shared().messagesTo(emailOf(tenant, "early")).size(), "one mail per run: " + early);
        assertEquals(0, MailServer.shared().messagesTo(emailOf(tenant, "elsewhere")).size(), "not in the segment");

        // A client retrying the launch now plans nobody again (both are planned in run 2).
        launch(tenant, id);
        JsonPath after = awaitCampaign(tenant, id, c -> true);
        assertEquals(3, after.getMap("counts").values().stream().mapToInt(n -> ((Number) n).intValue()).sum(),
                "three messages in all: " + after.getMap("counts") + " (" + late + ")");
        assertEquals(2, after.getInt("runs"));
    }

    /**
     * Issue 9: a recurring campaign paused, resumed and ended by the marketer. A draft can be neither paused nor ended
     * (409 naming the status); a pause cancels the pending messages ("campaign paused") and refuses a launch; after the
     * resume the next run mails the guest through SMTP; an end stops it for good (409 for launch, resume, end again).
     * A message of an ended campaign that is still due when the dispatcher claims it (one the end could not cancel) is
     * cancelled there and never mailed. The month is compressed as in the test above.
     */
    @Test
    void aRecurringCampaignIsPausedResumedAndEndedAndNothingIsSentAfterItsEnd() {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        String guest = guest(tenant, "life", "LIFE1", ConsentStatus.GRANTED);
        String ahead = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        String id = create(tenant, "{\"name\": \"Seasonal letter\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": "
                + "[\"LIFE1\"]}, \"schedule\": \"" + ahead + "\", \"recurrence\": \"monthly\"}");
        for (String action : List.of("pause", "end", "resume")) {
            conflict(tenant, id, action, "DRAFT");
        }
        awaitPreview(tenant, id, p -> p.getInt("wouldReceive") == 1);
        launch(tenant, id);
        awaitCampaign(tenant, id, c -> c.getInt("counts.SCHEDULED") == 1);

        JsonPath paused = post(tenant, id, "pause").then().statusCode(200).extract().jsonPath();
        assertEquals("PAUSED", paused.getString("status"));
        assertEquals(1, paused.getInt("counts.CANCELLED"));
        assertEquals(1, paused.getInt("reasons.'campaign paused'"));
        conflict(tenant, id, "pause", "PAUSED");
        conflict(tenant, id, "launch", "paused");

        JsonPath resumed = post(tenant, id, "resume").then().statusCode(200).extract().jsonPath();
        assertEquals("LAUNCHED", resumed.getString("status"));
        assertTrue(Instant.parse(resumed.getString("nextRunAt")).isAfter(Instant.now().plus(20, ChronoUnit.DAYS)),
                "run 2 a month after run 1: " + resumed.getString("nextRunAt"));
        // A month passes: run 2 is due; the service's recurrence check plans it and the dispatcher mails it.
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("""
                        UPDATE campaign SET due_at = due_at - interval '32 days', launched_at = launched_at - interval '32 days',
                          next_run_at = now() - interval '1 second' WHERE id = :id""")
                .setParameter("id", UUID.fromString(id)).executeUpdate());
        awaitCampaign(tenant, id, c -> c.getInt("counts.SENT") == 1 && c.getInt("runs") == 2);
        await().atMost(WAIT).until(() -> MailServer.shared().messagesTo(emailOf(tenant, "life")).size() == 1);

        // Only a marketer of the campaign's tenant may end it: a viewer is refused, another tenant sees nothing.
        Staff.as(tenant, Roles.VIEWER).post("/api/v1/campaigns/" + id + "/end").then().statusCode(403);
        Staff.as("other-" + tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/end").then().statusCode(404);
        JsonPath ended = post(tenant, id, "end").then().statusCode(200).extract().jsonPath();
        assertEquals("ENDED", ended.getString("status"));
        assertEquals(null, ended.getString("nextRunAt"), "no run after the end");
        for (String action : List.of("end", "resume", "pause")) {
            conflict(tenant, id, action, "ENDED");
        }
        conflict(tenant, id, "launch", "ended");

        // A one-shot campaign planned ahead, ended before its time: its message is cancelled by the end. Then it is made
        // due again in the database (a message the end could not cancel, e.g. planned by a launch on another replica at
        // that moment): the dispatcher claims it, sees the campaign ended and cancels it; it is never mailed.
        String later = create(tenant, "{\"name\": \"Never sent\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": "
                + "[\"LIFE1\"]}, \"schedule\": \"" + ahead + "\"}");
        launch(tenant, later);
        awaitCampaign(tenant, later, c -> c.getInt("counts.SCHEDULED") == 1);
        conflict(tenant, later, "pause", "runs once");
        JsonPath endedLater = post(tenant, later, "end").then().statusCode(200).extract().jsonPath();
        assertEquals(1, endedLater.getInt("reasons.'campaign ended'"));
        int reopened = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                        UPDATE communication SET status = 'SCHEDULED', reason = null, cancelled_at = null,
                          due_at = now() - interval '1 second' WHERE campaign_id = :id""")
                .setParameter("id", UUID.fromString(later)).executeUpdate());
        assertEquals(1, reopened);
        JsonPath decided = awaitCampaign(tenant, later, c -> c.getMap("counts").get("SCHEDULED") == null
                && c.getInt("counts.CANCELLED") == 1);
        assertEquals(1, decided.getInt("reasons.'campaign ended'"));
        assertEquals(0, MailServer.shared().messagesTo(emailOf(tenant, "life")).stream().filter(m -> {
            try {
                return "Never sent".equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count(), "no mail of an ended campaign: " + guest);
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, "life")).size());
    }

    private static io.restassured.response.Response post(String tenant, String id, String action) {
        return Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/" + action);
    }

    /** The action is refused with 409, a problem naming the status field, its detail naming {@code detailPart}. */
    private static void conflict(String tenant, String id, String action, String detailPart) {
        post(tenant, id, action).then().statusCode(409).contentType("application/problem+json")
                .body("fields", org.hamcrest.Matchers.equalTo(List.of("status")))
                .body("detail", org.hamcrest.Matchers.containsString(detailPart));
    }

    @Test
    void aRecurrenceThatIsNoneOfTheKnownOnesIsRefusedWith400NamingIt() {
        String tenant = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        for (String recurrence : List.of("\"hourly\"", "5", "\"\"")) {
            Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON)
                    .body("{\"name\": \"x\", \"channel\": \"EMAIL\", \"segment\": {\"hotelCodes\": [\"BARS\"]}, "
                            + "\"schedule\": \"now\", \"recurrence\": " + recurrence + "}")
                    .post("/api/v1/campaigns").then().statusCode(400).contentType("application/problem+json")
                    .body("invalidParams.name", org.hamcrest.Matchers.equalTo(List.of("recurrence")))
                    .body("invalidParams[0].reason", org.hamcrest.Matchers.containsString("weekly, monthly, quarterly"));
        }
    }
}
