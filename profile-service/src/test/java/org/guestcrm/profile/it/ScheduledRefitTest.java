package org.guestcrm.profile.it;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.ScheduledMatchRefit;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * The nightly refit of the per-tenant match parameters, its scheduled method called with the test's clock (the timer
 * is off in tests): outside the night's window (03:00-04:00 UTC) nothing happens; inside it a tenant of 1,200
 * profiles gets an accepted fit by {@code scheduled-refit} and its decisions use it, a tenant of 600 gets a fit the
 * sanity check refuses (still the fixed model), a tenant of 40 is skipped; a second check that night does nothing;
 * the next night nobody is refitted without 500 profiles received since the last fit, and the tenant that received
 * them is.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class ScheduledRefitTest {

    @Inject
    ProfileChangeHandler handler;
    @Inject
    ScheduledMatchRefit refit;

    @Test
    void theNightlyRefitFitsOnlyTenantsWithEnoughNewProfilesAndUsesOnlyAcceptedFits() {
        String large = "tenant-" + UUID.randomUUID();
        String medium = "tenant-" + UUID.randomUUID();
        String small = "tenant-" + UUID.randomUUID();
        apply(TenantParametersTest.persons(large, 800, 3));
        apply(TenantParametersTest.persons(medium, 400, 4));
        apply(TenantParametersTest.persons(small, 40, 5));

        // A night of its own (the refit table keeps one row per night), far from the real clock.
        Instant night = Instant.parse("2031-01-01T03:00:00Z").plus(new java.util.Random().nextInt(3000), ChronoUnit.DAYS);
        ScheduledMatchRefit.Run before = refit.runIfDue(night.minusSeconds(1));
        assertEquals(Optional.empty(), before.slot(), "02:59:59 is outside the night's window");
        assertFalse(before.ran());
        admin(large).get("/api/v1/match-parameters").then().statusCode(200).body("sets.size()", equalTo(0));

        ScheduledMatchRefit.Run run = refit.runIfDue(night.plus(5, ChronoUnit.MINUTES));
        assertEquals(Optional.of(night), run.slot());
        assertTrue(run.ran());
        assertEquals(ScheduledMatchRefit.Run.ACCEPTED, run.outcomeByTenant().get(large), run.toString());
        assertEquals(ScheduledMatchRefit.Run.REFUSED, run.outcomeByTenant().get(medium), run.toString());
        assertEquals(ScheduledMatchRefit.Run.SKIPPED, run.outcomeByTenant().get(small), run.toString());
        String fitted = MatchModel.VERSION + "-fitted/" + large + "/v1";
        admin(large).get("/api/v1/match-parameters").then().body("modelInUse", equalTo(fitted))
                .body("sets.size()", equalTo(1)).body("sets[0].fittedBy", equalTo(ScheduledMatchRefit.ACTOR))
                .body("sets[0].accepted", equalTo(true)).body("sets[0].profiles", equalTo(1200));
        admin(medium).get("/api/v1/match-parameters").then().body("modelInUse", equalTo(MatchModel.VERSION))
                .body("sets.size()", equalTo(1)).body("sets[0].accepted", equalTo(false))
                .body("sets[0].problems.find { it.contains('fewer than 1000') }", org.hamcrest.Matchers.notNullValue());
        admin(small).get("/api/v1/match-parameters").then().body("sets.size()", equalTo(0));

        // A second check in the same window (this replica or another) finds the night done.
        ScheduledMatchRefit.Run again = refit.runIfDue(night.plus(15, ChronoUnit.MINUTES));
        assertEquals(Optional.of(night), again.slot());
        assertFalse(again.ran());

        // The next night: the medium tenant receives 600 more profiles (1,200 in all) and is refitted and accepted;
        // the large one received nothing since its fit and keeps v1; the small one is still too small.
        apply(TenantParametersTest.persons(medium, 400, 6).stream().map(p -> GuestProfileChanged.newBuilder(p)
                .setPmsProfileId("N" + p.getPmsProfileId()).build()).toList());
        ScheduledMatchRefit.Run next = refit.runIfDue(night.plus(1, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES));
        assertTrue(next.ran());
        assertFalse(next.outcomeByTenant().containsKey(large), next.toString());
        assertEquals(ScheduledMatchRefit.Run.ACCEPTED, next.outcomeByTenant().get(medium), next.toString());
        assertEquals(ScheduledMatchRefit.Run.SKIPPED, next.outcomeByTenant().get(small), next.toString());
        admin(large).get("/api/v1/match-parameters").then().body("sets.size()", equalTo(1));
        admin(medium).get("/api/v1/match-parameters").then()
                .body("modelInUse", equalTo(MatchModel.VERSION + "-fitted/" + medium + "/v2"))
                .body("sets[0].profiles", equalTo(1200)).body("sets[0].fittedBy", equalTo(ScheduledMatchRefit.ACTOR));
    }

    private static io.restassured.specification.RequestSpecification admin(String tenant) {
        return Staff.as(tenant, "admin").queryParam("tenant", tenant);
    }

    private void apply(List<GuestProfileChanged> events) {
        for (int i = 0; i < events.size(); i += 300) {
            List<IntakeRecord<GuestProfileChanged>> batch = new ArrayList<>();
            long offset = 0;
            for (GuestProfileChanged event : events.subList(i, Math.min(events.size(), i + 300))) {
                batch.add(new IntakeRecord<>(event, event.getMetadata().getEventId(), event.getMetadata().getTenantId()
                        + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId(), "pms.profiles", 0, offset++));
            }
            QuarkusTransaction.requiringNew().run(() -> handler.apply(batch));
        }
    }
}
