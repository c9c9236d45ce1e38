package org.guestcrm.profile.it;

import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Per-tenant fitted match parameters through the admin API: a small tenant's fit is stored but refused by the sanity
 * check (its decisions keep the fixed set); a tenant of 1,200 profiles (800 persons, every second with a duplicate)
 * gets an accepted fit, version 1, and the next profile's decision records the fitted model's version; another tenant
 * keeps the fixed set. Doors: admin only, another tenant 404.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class TenantParametersTest {

    @Inject
    ProfileChangeHandler handler;

    @Test
    void aTenantsOwnFitIsStoredVersionedCheckedAndUsedOnlyWhenAccepted() {
        String small = "tenant-" + UUID.randomUUID();
        apply(persons(small, 40, 1));
        Staff.as(small, "admin").queryParam("tenant", small).post("/api/v1/match-parameters/refit").then()
                .statusCode(200).body("version", equalTo(1)).body("accepted", equalTo(false))
                .body("problems.find { it.contains('fewer than 1000') }", org.hamcrest.Matchers.notNullValue());
        Staff.as(small, "admin").queryParam("tenant", small).get("/api/v1/match-parameters").then().statusCode(200)
                .body("modelInUse", equalTo(MatchModel.VERSION)).body("sets", hasSize(1));

        // Doors: a viewer or agent may not see or refit; another tenant's admin gets 404.
        Staff.as(small, "agent").queryParam("tenant", small).get("/api/v1/match-parameters").then().statusCode(403);
        Staff.viewer(small).queryParam("tenant", small).post("/api/v1/match-parameters/refit").then().statusCode(403);
        String stranger = "tenant-" + UUID.randomUUID();
        Staff.as(stranger, "admin").queryParam("tenant", small).post("/api/v1/match-parameters/refit").then()
                .statusCode(404);
        Staff.as(small, "admin").get("/api/v1/match-parameters").then().statusCode(400)
                .body("invalidParams[0].name", equalTo("tenant"));

        String large = "tenant-" + UUID.randomUUID();
        List<GuestProfileChanged> profiles = persons(large, 800, 2);
        for (int i = 0; i < profiles.size(); i += 300) {
            apply(profiles.subList(i, Math.min(profiles.size(), i + 300)));
        }
        Map<String, Object> set = Staff.as(large, "admin").queryParam("tenant", large)
                .post("/api/v1/match-parameters/refit").then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(1, set.get("version"));
        assertEquals(1200, set.get("profiles"), set.toString());
        assertEquals(true, set.get("accepted"), set.toString());
        String fitted = MatchModel.VERSION + "-fitted/" + large + "/v1";
        assertEquals(fitted, set.get("modelVersion"));
        Staff.as(large, "admin").queryParam("tenant", large).get("/api/v1/match-parameters").then()
                .body("modelInUse", equalTo(fitted)).body("sets[0].levels.'birthDate/exact'.weight",
                        org.hamcrest.Matchers.greaterThan(1f));

        // The next profile's decision records the fitted version; another tenant's the fixed one.
        apply(List.of(person(large, "mews", "late-1", "lorenz", "quellmatt", LocalDate.of(1971, 4, 9), "chur",
                "lorenz.q@example.org").build()));
        apply(List.of(person(small, "mews", "late-2", "lorenz", "quellmatt", LocalDate.of(1971, 4, 9), "chur",
                "lorenz.q@example.org").build()));
        assertEquals(fitted, modelVersionOf(large, "late-1"));
        assertEquals(MatchModel.VERSION, modelVersionOf(small, "late-2"));

        // A refit is the next version; the sets are listed newest first.
        Staff.as(large, "admin").queryParam("tenant", large).post("/api/v1/match-parameters/refit").then()
                .statusCode(200).body("version", equalTo(2));
        List<Integer> versions = Staff.as(large, "admin").queryParam("tenant", large).get("/api/v1/match-parameters")
                .then().extract().jsonPath().getList("sets.version");
        assertEquals(List.of(2, 1), versions);
    }

    private String modelVersionOf(String tenant, String pmsProfileId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SourceProfileEntity source = SourceProfileEntity.findByKey(tenant, "mews", pmsProfileId).orElseThrow();
            List<MatchDecisionEntity> decisions = MatchDecisionEntity.list("sourceProfileId", source.id);
            assertFalse(decisions.isEmpty());
            return decisions.get(0).modelVersion;
        });
    }

    /** Persons of one tenant, every second with a second profile in another PMS (one in three with a typo in the given name). */
    static List<GuestProfileChanged> persons(String tenant, int count, long seed) {
        Random random = new Random(seed);
        String[] given = {"anna", "peter", "maria", "thomas", "laura", "daniel", "sandra", "martin", "nina", "lukas",
                "sarah", "simon", "julia", "marco", "lea", "david"};
        String[] surnames = {"muller", "meier", "schmid", "keller", "weber", "huber", "schneider", "meyer", "steiner",
                "fischer", "gerber", "brunner", "baumann", "frei", "zimmermann", "moser"};
        String[] cities = {"zurich", "bern", "basel", "luzern", "genf", "lausanne", "chur", "thun"};
        List<GuestProfileChanged> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            String g = given[random.nextInt(given.length)];
            String s = surnames[random.nextInt(surnames.length)] + (char) ('a' + random.nextInt(26));
            LocalDate dob = LocalDate.of(1940 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28));
            String city = cities[random.nextInt(cities.length)];
            String mail = g + "." + s + p + "@example" + random.nextInt(5) + ".com";
            out.add(person(tenant, "opera", "P-" + p, g, s, dob, city, mail).build());
            if (p % 2 == 0) {
                out.add(person(tenant, "mews", "D-" + p, p % 6 == 0 ? g.substring(0, g.length() - 1) + "x" : g, s, dob,
                        random.nextBoolean() ? city : null, random.nextBoolean() ? mail : null).build());
            }
        }
        return out;
    }

    private static GuestProfileChanged.Builder person(String tenant, String pms, String id, String given,
            String surname, LocalDate birthDate, String city, String mail) {
        return profile(tenant, pms, id, 1L).setFirstName(given).setLastName(surname).setBirthDate(birthDate)
                .setAddresses(city == null ? List.of()
                        : List.of(PostalAddress.newBuilder().setCity(city).setCountryCode("CH").build()))
                .setEmails(mail == null ? List.of() : List.of(email(mail, true)));
    }

    private void apply(List<GuestProfileChanged> events) {
        List<IntakeRecord<GuestProfileChanged>> batch = new ArrayList<>();
        long offset = 0;
        for (GuestProfileChanged event : events) {
            batch.add(new IntakeRecord<>(event, event.getMetadata().getEventId(), event.getMetadata().getTenantId() + ":"
                    + event.getPmsSystem() + ":" + event.getPmsProfileId(), "pms.profiles", 0, offset++));
        }
        QuarkusTransaction.requiringNew().run(() -> handler.apply(batch));
    }
}
