package org.guestcrm.optout.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.guestcrm.optout.it.PreferenceCentreTest.PATIENCE;
import static org.guestcrm.optout.it.PreferenceCentreTest.consents;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.LocalIdentity;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Issue 10, merged guests, through the real broker, registry and PostgreSQL: crm.guests says which golden guest holds
 * which contact point, so crm.consents names the guest; the consent API answers per guest with the most restrictive
 * of its contact points'; after a merge on crm.guest-merges the survivor's consent counts the merged guest's contact
 * points, and the merged-away guest answers for the survivor.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class GuestConsentTest {

    private static EventMetadata metadata(String tenant, String type) {
        return EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType(type)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("profile-service").setTenantId(tenant)
                .setCorrelationId(UUID.randomUUID().toString()).setSchemaVersion(1).build();
    }

    private static void guest(String tenant, String guestId, long version, String... emails) {
        KafkaTestClients.sendAvro("crm.guests", guestId, GuestUpdated.newBuilder()
                .setMetadata(metadata(tenant, "GuestUpdated"))
                .setGuestId(guestId)
                .setVersion(version)
                .setEmails(java.util.Arrays.stream(emails).map(e -> ContactPoint.newBuilder().setValue(e).build()).toList())
                .build());
    }

    private static ValidatableResponse guestConsents(String tenant, String guestId) {
        String token = LocalIdentity.forTests().mint(Set.of(tenant), Set.of("viewer"), Duration.ofMinutes(5), "test-viewer");
        return given().auth().oauth2(token).queryParam("tenant", tenant).get("/api/v1/consents/guests/" + guestId).then();
    }

    private static void pmsProfile(String tenant, String pmsProfileId, long sequence, String address, boolean optIn) {
        GuestProfiles.send(profile(tenant, "opera", pmsProfileId, sequence)
                .setEmails(List.of(email(address, true)))
                .setMarketingFlags(PmsMarketingFlags.newBuilder().setEmailOptIn(optIn).build())
                .setPmsUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());
    }

    @Test
    void aMergedGuestHasTheMostRestrictiveConsentOfItsContactPointsAndCrmConsentsNamesTheGuest() {
        String tenant = "tenant-" + UUID.randomUUID();
        String anna = "guest-" + UUID.randomUUID();
        String annaToo = "guest-" + UUID.randomUUID();
        String granted = "anna-" + UUID.randomUUID() + "@example.com";
        String withdrawn = "a.m-" + UUID.randomUUID() + "@example.com";
        guest(tenant, anna, 1, granted.toUpperCase(java.util.Locale.ROOT));
        guest(tenant, annaToo, 1, withdrawn);
        pmsProfile(tenant, "G-1", 1, granted, true);
        pmsProfile(tenant, "G-2", 1, withdrawn, false);
        await().atMost(PATIENCE).untilAsserted(() -> consents(tenant, withdrawn).body("current[0].status", equalTo("WITHDRAWN")));

        // Before the merge: each guest has its own address's consent.
        await().atMost(PATIENCE).untilAsserted(() -> guestConsents(tenant, anna).statusCode(200)
                .body("contactPoints.value", containsInAnyOrder(granted))
                .body("current.size()", equalTo(1))
                .body("current[0].status", equalTo("GRANTED")));
        guestConsents(tenant, annaToo).statusCode(200).body("current[0].status", equalTo("WITHDRAWN"));
        guestConsents(tenant, "guest-nobody-knows").statusCode(404);

        KafkaTestClients.sendAvro("crm.guest-merges", anna, GuestMerged.newBuilder()
                .setMetadata(metadata(tenant, "GuestMerged"))
                .setSurvivingGuestId(anna)
                .setMergedGuestIds(List.of(annaToo))
                .setDecidedBy(MergeDecision.AUTOMATIC)
                .build());
        // After it: one address withdrew, so the guest is withdrawn, decided by that address; the merged-away id
        // answers for the survivor.
        await().atMost(PATIENCE).untilAsserted(() -> guestConsents(tenant, anna).statusCode(200)
                .body("contactPoints.value", containsInAnyOrder(granted, withdrawn))
                .body("mergedGuestIds", containsInAnyOrder(annaToo))
                .body("current[0].channel", equalTo("EMAIL"))
                .body("current[0].purpose", equalTo("MARKETING"))
                .body("current[0].status", equalTo("WITHDRAWN"))
                .body("current[0].decidedBy", equalTo(withdrawn)));
        guestConsents(tenant, annaToo).statusCode(200).body("survivingGuestId", equalTo(anna))
                .body("current[0].status", equalTo("WITHDRAWN"));
        // A late record of the merged-away guest does not bring it back.
        guest(tenant, annaToo, 2, "someone-else-" + UUID.randomUUID() + "@example.com");
        // The survivor's next record is what it holds: both addresses.
        guest(tenant, anna, 2, granted, withdrawn);

        // crm.consents names the guest holding the address.
        pmsProfile(tenant, "G-1", 2, granted, false);
        await().atMost(PATIENCE).untilAsserted(() -> {
            ConsentChanged changed = KafkaTestClients.<ConsentChanged>readAvro("crm.consents").stream()
                    .filter(r -> (tenant + ":EMAIL:MARKETING:" + granted).equals(r.key())).map(ConsumerRecord::value)
                    .filter(c -> c.getStatus() == org.guestcrm.events.ConsentStatus.WITHDRAWN).findFirst().orElse(null);
            assertNotNull(changed, "the opt-out is on crm.consents");
            assertEquals(anna, changed.getGuestId());
        });
        guestConsents(tenant, annaToo).statusCode(200).body("survivingGuestId", equalTo(anna))
                .body("contactPoints.value", containsInAnyOrder(granted, withdrawn));
    }
}
