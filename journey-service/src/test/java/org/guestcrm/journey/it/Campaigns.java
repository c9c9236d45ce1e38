package org.guestcrm.journey.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
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
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Campaign tests' shared steps: golden guests and their marketing consents published on crm.guests and crm.consents,
 * campaigns created, launched and read back through the API (awaited, never timed).
 */
public final class Campaigns {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Campaigns() {
    }

    public static String emailOf(String tenant, String name) {
        return name + "-" + tenant + "@example.com";
    }

    public static String guest(String tenant, String name, String hotel, ConsentStatus marketing) {
        return guest(tenant, name, hotel, marketing, emailOf(tenant, name));
    }

    /** Publishes a golden guest on crm.guests and (if given) its marketing consent on crm.consents; returns its id. */
    public static String guest(String tenant, String name, String hotel, ConsentStatus marketing, String email) {
        String guestId = "g-" + name + "-" + tenant;
        GuestUpdated guest = GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated"))
                .setGuestId(guestId)
                .setVersion(1)
                .setLanguage("en")
                .setEmails(email == null ? List.of() : List.of(ContactPoint.newBuilder().setValue(email).setPrimary(true)
                        .setSources(List.of()).build()))
                .setStayCount(1)
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("test-pms")
                        .setPmsProfileId("p-" + name).setHotelCode(hotel).build()))
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), guestId, guest);
        if (marketing != null && email != null) {
            ConsentChanged consent = ConsentChanged.newBuilder()
                    .setMetadata(metadata(tenant, "ConsentChanged"))
                    .setContactPoint(email).setChannel(ConsentChannel.EMAIL).setPurpose(ConsentPurpose.MARKETING)
                    .setStatus(marketing).setSource(ConsentSource.PREFERENCE_CENTRE).setEffectiveAt(Instant.now())
                    .setGuestId(guestId).setHotelCode(hotel).setEvidence(null)
                    .build();
            KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(), tenant + ":EMAIL:MARKETING:" + email, consent);
        }
        return guestId;
    }

    public static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type).setOccurredAt(Instant.now())
                .setSource("test").setTenantId(tenant).setCorrelationId("corr-" + UUID.randomUUID())
                .setCausationId(null).setSchemaVersion(1).build();
    }

    public static String create(String tenant, String body) {
        return Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON).body(body).post("/api/v1/campaigns")
                .then().statusCode(201).header("Location", org.hamcrest.Matchers.containsString("/api/v1/campaigns/"))
                .extract().jsonPath().getString("id");
    }

    public static void launch(String tenant, String id) {
        Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/launch").then().statusCode(200);
    }

    public static String reasonOf(JsonPath preview, String guestId) {
        return preview.getString("guests.find { it.guestId == '" + guestId + "' }.reason");
    }

    public static JsonPath awaitPreview(String tenant, String id, Predicate<JsonPath> condition) {
        return awaitJson(() -> Staff.as(tenant, Roles.MARKETER).post("/api/v1/campaigns/" + id + "/preview"), condition);
    }

    public static JsonPath awaitCampaign(String tenant, String id, Predicate<JsonPath> condition) {
        return awaitJson(() -> Staff.as(tenant, Roles.MARKETER).get("/api/v1/campaigns/" + id), condition);
    }

    private static JsonPath awaitJson(java.util.function.Supplier<io.restassured.response.Response> request,
                                      Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            var response = request.get();
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            try {
                return condition.test(last[0]);
            } catch (RuntimeException e) {
                return false;
            }
        });
        return last[0];
    }
}
