package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * crm.guests stays bounded: a GuestUpdated only when something it shows changed, at most 50 source refs
 * (profile.guest-updates.max-source-refs) however many profiles a guest holds, history marked as history.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class BoundedGuestUpdatesTest {

    private static List<GuestUpdated> guestUpdates(String guestId) {
        return KafkaTestClients.<GuestUpdated>readAvro("crm.guests").stream()
                .filter(r -> guestId.equals(r.key()))
                .map(ConsumerRecord::value)
                .toList();
    }

    @Test
    void aNewerStateThatChangesNothingVisiblePublishesNothing() {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "S-1", 1L).setEmails(List.of(email("same@example.com", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "S-1");
        // The PMS sends the same content again (a newer sequence: it is applied, lastSeenAt moves), then a real change;
        // per-key order means the change is applied after the repeat.
        GuestProfiles.send(profile(tenant, "opera", "S-1", 2L).setEmails(List.of(email("same@example.com", true))).build());
        GuestProfiles.send(profile(tenant, "opera", "S-1", 3L).setLastName("Meier")
                .setEmails(List.of(email("same@example.com", true))).build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().body("lastName", equalTo("Meier")));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then().body("version", equalTo(2));
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream().anyMatch(g -> g.getVersion() == 2));
        List<GuestUpdated> updates = guestUpdates(guestId);
        assertEquals(List.of(1L, 2L), updates.stream().map(GuestUpdated::getVersion).toList(),
                "two visible states, two records; the repeat published nothing");
        assertEquals("Meier", updates.get(1).getLastName());
    }

    @Test
    void aGuestWithManyProfilesPublishesABoundedListOfSourceRefs() {
        String tenant = "tenant-" + UUID.randomUUID();
        int profiles = 60;
        for (int i = 0; i < profiles; i++) {
            GuestProfiles.send(profile(tenant, "opera", "many-" + i, 1L).setLastName("Vogt")
                    .setEmails(List.of(email("vogt.family@example.com", true))).build());
        }
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "many-" + (profiles - 1));
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", guestId).then().body("sourceProfiles", hasSize(profiles)));
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> guestUpdates(guestId).stream()
                .anyMatch(g -> g.getVersion() == Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId)
                        .then().extract().<Integer>path("version")));
        GuestUpdated latest = guestUpdates(guestId).getLast();
        assertEquals(50, latest.getSourceProfiles().size(), "the cap, not all 60");
        assertEquals(50, latest.getEmails().get(0).getSources().size(), "the same cap per contact point");
        assertTrue(guestUpdates(guestId).stream().allMatch(g -> g.getSourceProfiles().size() <= 50));
    }
}
