package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.guestcrm.events.GuestUpdated;
import org.guestcrm.profile.domain.Preferences;
import org.guestcrm.testsupport.GuestProfiles;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Preferences through Kafka and PostgreSQL: pms.profiles' preferences land on crm.guests (bounded: a value too long is
 * cut, a key too long left out, the profile itself kept); a merge combines two guests' preferences by survivorship (a
 * front-desk value beats a newer OTA one for the same key, keys only one side holds survive from it); an un-merge
 * splits them back; an erasure leaves none. Feeds' trust from application.properties: channel-manager is OTA, a feed
 * not listed (opera) front desk.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class PreferencesFlowTest {

    /** The preferences of the key's last GuestUpdated on crm.guests (null when there is none), keys and values as text. */
    private static Map<String, String> lastPreferences(String guestId) {
        List<GuestUpdated> updates = GuestsTopic.updates(guestId);
        if (updates.isEmpty()) {
            return null;
        }
        Map<String, String> preferences = new TreeMap<>();
        updates.getLast().getPreferences().forEach((k, v) -> preferences.put(k.toString(), v.toString()));
        return preferences;
    }

    private static void awaitPreferences(String guestId, Map<String, String> expected) {
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> expected.equals(lastPreferences(guestId)));
    }

    @Test
    void preferencesSurviveByTrustThenRecencyThroughMergeUnmergeAndErasure() {
        String tenant = "tenant-" + UUID.randomUUID();
        String longValue = "window seat facing the lake ".repeat(12);
        String longKey = "INTEREST:" + "x".repeat(80);
        double trimmedBefore = trimmed();

        // A front-desk profile, then (later, so newer) an OTA profile of a guest the matcher has no reason to join.
        GuestProfiles.send(profile(tenant, "opera", "p-1", 1L).setFirstName("Helga").setLastName("Brennwald")
                .setEmails(List.of(email("helga.brennwald@example.org", true)))
                .setPreferences(Map.of("ROOM", "high floor", "diet", " vegetarian ", "NEWSPAPER", "  "))
                .build());
        String first = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "p-1");
        // Blank values are no preference; the category is upper-cased, values trimmed.
        awaitPreferences(first, Map.of("ROOM", "high floor", "DIET", "vegetarian"));

        GuestProfiles.send(profile(tenant, "channel-manager", "p-2", 1L).setFirstName("Konstantin").setLastName("Ulmer")
                .setEmails(List.of(email("k.ulmer@example.net", true)))
                .setPreferences(Map.of("DIET", "vegan", "INTEREST:spa", "yes", "PILLOW", longValue, longKey, "yes"))
                .build());
        String second = SurvivorshipFlowTest.awaitGuestId(tenant, "channel-manager", "p-2");
        assertNotEquals(first, second, "two people, two guests");
        String cut = longValue.strip().substring(0, Preferences.MAX_VALUE_LENGTH).strip();
        Map<String, String> secondAlone = Map.of("DIET", "vegan", "INTEREST:spa", "yes", "PILLOW", cut);
        awaitPreferences(second, secondAlone);
        assertTrue(trimmed() >= trimmedBefore + 3, "the blank value, the cut value and the long key are counted");
        // The source profile keeps its own (bounded) preferences, shown in the access export.
        Staff.as(tenant, "admin").get("/api/v1/guests/{id}/personal-data", second).then().statusCode(200)
                .body("sourceProfiles[0].preferences.DIET", equalTo("vegan"))
                .body("sourceProfiles[0].preferences.PILLOW", equalTo(cut));

        // A reviewer merges them: per key the front desk's value beats the newer OTA one; the rest is the union.
        Staff.as(tenant, "agent").contentType(ContentType.JSON).body(Map.of("otherGuestId", second, "reason", "same guest"))
                .post("/api/v1/guests/{id}/merge", first).then().statusCode(200)
                .body("preferences.DIET", equalTo("vegetarian"))
                .body("preferences.ROOM", equalTo("high floor"))
                .body("preferences.'INTEREST:spa'", equalTo("yes"))
                .body("fieldSources.'PREFERENCE DIET'", org.hamcrest.Matchers.startsWith("opera:p-1 (FRONT_DESK"));
        Map<String, String> merged = Map.of("ROOM", "high floor", "DIET", "vegetarian", "INTEREST:spa", "yes",
                "PILLOW", cut);
        awaitPreferences(first, merged);

        // The OTA profile changes: its newer state's preferences are recomputed into the merged guest (DIET still the
        // front desk's).
        GuestProfiles.send(profile(tenant, "channel-manager", "p-2", 2L).setFirstName("Konstantin").setLastName("Ulmer")
                .setEmails(List.of(email("k.ulmer@example.net", true)))
                .setPreferences(Map.of("DIET", "vegan", "INTEREST:spa", "yes", "INTEREST:golf", "weekends"))
                .build());
        Map<String, String> mergedAfterChange = Map.of("ROOM", "high floor", "DIET", "vegetarian", "INTEREST:spa", "yes",
                "INTEREST:golf", "weekends");
        awaitPreferences(first, mergedAfterChange);

        // Un-merge: each guest gets back only what its own profiles hold.
        Staff.as(tenant, "agent").contentType(ContentType.JSON).body(Map.of("mergedGuestId", second, "reason", "two people"))
                .post("/api/v1/guests/{id}/unmerge", first).then().statusCode(200).body("guestId", equalTo(second))
                .body("sourceProfiles.pmsProfileId", containsInAnyOrder("p-2"))
                .body("preferences.DIET", equalTo("vegan"));
        awaitPreferences(first, Map.of("ROOM", "high floor", "DIET", "vegetarian"));
        awaitPreferences(second, Map.of("DIET", "vegan", "INTEREST:spa", "yes", "INTEREST:golf", "weekends"));
        Staff.viewer(tenant).get("/api/v1/guests/{id}", first).then().statusCode(200)
                .body("preferences.size()", equalTo(2)).body("preferences.DIET", equalTo("vegetarian"));

        // Erasure: the last GuestUpdated before the tombstone carries no preferences.
        Staff.as(tenant, "admin").contentType(ContentType.JSON).body(Map.of("reason", "guest request"))
                .post("/api/v1/guests/{id}/erasure", second).then().statusCode(200);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> GuestsTopic.endsWithTombstone(second));
        GuestUpdated lastOfErased = GuestsTopic.updates(second).getLast();
        assertNull(lastOfErased.getFirstName());
        assertTrue(lastOfErased.getPreferences().isEmpty(), lastOfErased.getPreferences().toString());
        assertEquals(Map.of("ROOM", "high floor", "DIET", "vegetarian"), lastPreferences(first),
                "the other guest keeps its own");
    }

    /** guestcrm_profile_preferences_trimmed_total over every reason, from /q/metrics (0 before the first). */
    private static double trimmed() {
        String metrics = Staff.as("any", "ops").get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("guestcrm_profile_preferences_trimmed_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
