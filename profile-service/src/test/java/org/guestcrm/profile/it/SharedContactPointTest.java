package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.UUID;

import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An address shared by unrelated names (an agency's inbox) is demoted automatically: before, the same names with that
 * address join one guest; once four unrelated surnames hold it, it is no merge evidence and no marketing address.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class SharedContactPointTest {

    private static final String AGENCY = "bookings@sunny-travels.example";

    @Test
    void anAddressHeldByUnrelatedNamesIsDemotedAndNoLongerMergesGuests() {
        String tenant = "tenant-" + UUID.randomUUID();
        // Before: two profiles of one person (same names, same address) join by the address.
        GuestProfiles.send(profile(tenant, "opera", "adams-1", 1L).setFirstName("Olivia").setLastName("Adams")
                .setEmails(List.of(email(AGENCY, true))).build());
        String adams = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "adams-1");
        GuestProfiles.send(profile(tenant, "mews", "adams-2", 1L).setFirstName("Olivia").setLastName("Adams")
                .setEmails(List.of(email(AGENCY, true))).build());
        assertEquals(adams, SurvivorshipFlowTest.awaitGuestId(tenant, "mews", "adams-2"), "the address was evidence");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", adams).then()
                .body("emails[0].primary", equalTo(true));

        // The agency books three more, unrelated guests with its own address: four surnames hold it now.
        String[][] others = {{"Bruno", "Becker"}, {"Chana", "Cohen"}, {"Denis", "Dubois"}};
        for (int i = 0; i < others.length; i++) {
            GuestProfiles.send(profile(tenant, "opera", "agency-" + i, 1L).setFirstName(others[i][0]).setLastName(others[i][1])
                    .setEmails(List.of(email(AGENCY, true))).build());
        }
        String dubois = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "agency-2");
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", dubois).then()
                .body("emails[0].notForMarketing", equalTo("SHARED_BY_UNRELATED_GUESTS"))
                .body("emails[0].primary", equalTo(false)));
        // The guest holding it from before is recomposed: the address is no longer its marketing address either.
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> Staff.viewer(tenant)
                .get("/api/v1/guests/{id}", adams).then()
                .body("emails[0].notForMarketing", equalTo("SHARED_BY_UNRELATED_GUESTS"))
                .body("emails[0].primary", equalTo(false)));

        // After: the same names with the same address no longer join (names alone never auto-merge).
        GuestProfiles.send(profile(tenant, "apaleo", "adams-3", 1L).setFirstName("Olivia").setLastName("Adams")
                .setEmails(List.of(email(AGENCY, true))).build());
        String third = SurvivorshipFlowTest.awaitGuestId(tenant, "apaleo", "adams-3");
        assertNotEquals(adams, third, "a shared address is no evidence");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", third).then()
                .body("sourceProfiles[0].matchExplanation",
                        org.hamcrest.Matchers.containsString("e-mail is shared by unrelated guests"));
    }
}
