package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Survivorship through Kafka and PostgreSQL: the feeds' trust (application.properties: booking-engine DIRECT,
 * channel-manager OTA) decides the fields before recency; contact points keep their provenance; relay addresses
 * never become the marketing address; phones are published in E.164.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class SurvivorshipFlowTest {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    static Response lookup(String tenant, String system, String profileId) {
        return Staff.viewer(tenant).queryParam("tenant", tenant).queryParam("sourceSystem", system)
                .queryParam("sourceProfileId", profileId).get("/api/v1/guests");
    }

    static String awaitGuestId(String tenant, String system, String profileId) {
        await().atMost(PATIENCE).until(() -> lookup(tenant, system, profileId).statusCode() == 200);
        return lookup(tenant, system, profileId).then().extract().path("guestId");
    }

    @Test
    void theDirectProfileBeatsANewerOtaOneAndTheRelayAddressIsNeverTheMarketingAddress() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "booking-engine", "W-1", 1L).setFirstName("Johanna").setLastName("Brandt")
                .setHotelCode("ZRH1")
                .setBirthDate(java.time.LocalDate.of(1979, 4, 2))
                .setEmails(List.of(email("johanna.brandt@example.org", true)))
                .setPhones(List.of(phone("079 555 12 34")))
                .setAddresses(List.of(GuestProfileFlowTest.address("8001", "Zürich", "CH")))
                .build());
        String guestId = awaitGuestId(tenant, "booking-engine", "W-1");

        // Newer, from the OTA: other spelling in capitals, a relay address flagged primary, the same phone in
        // international form and the same direct address (so it joins).
        GuestProfiles.send(profile(tenant, "channel-manager", "CM-9", null).setFirstName("JOHANA").setLastName("BRANDT")
                .setHotelCode("GVA2")
                .setMetadata(EventMetadata.newBuilder(profile(tenant, "x", "y", null).getMetadata())
                        .setOccurredAt(Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).build())
                .setBirthDate(java.time.LocalDate.of(1979, 4, 2))
                .setEmails(List.of(email("k2x81@guest.booking.com", true), email("JOHANNA.BRANDT@example.org", false)))
                .setPhones(List.of(phone("+41 79 555 12 34")))
                .build());
        assertEquals(guestId, awaitGuestId(tenant, "channel-manager", "CM-9"));

        await().atMost(PATIENCE).untilAsserted(() -> Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .statusCode(200).body("sourceProfiles", hasSize(2)));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then()
                .body("firstName", equalTo("Johanna"))
                .body("lastName", equalTo("Brandt"))
                .body("fieldSources.FIRST_NAME", containsString("booking-engine:W-1 (DIRECT"))
                .body("emails", hasSize(2))
                .body("emails[0].value", equalTo("johanna.brandt@example.org"))
                .body("emails[0].primary", equalTo(true))
                .body("emails[0].notForMarketing", nullValue())
                .body("emails[0].sources", hasSize(2))
                .body("emails[0].sources.find { it.pmsSystem == 'booking-engine' }.hotelCode", equalTo("ZRH1"))
                .body("emails[0].sources.find { it.pmsSystem == 'booking-engine' }.trust", equalTo("DIRECT"))
                .body("emails[0].sources.find { it.pmsSystem == 'channel-manager' }.trust", equalTo("OTA"))
                .body("emails.find { it.value == 'k2x81@guest.booking.com' }.primary", equalTo(false))
                .body("emails.find { it.value == 'k2x81@guest.booking.com' }.notForMarketing", equalTo("OTA_RELAY"))
                .body("phones", hasSize(1))
                .body("phones[0].value", equalTo("+41795551234"))
                .body("phones[0].sources", hasSize(2));
    }
}
