package org.guestcrm.journey.settings;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Not in the suite (a probe: prints figures, asserts only counts). Cost of a journey settings PUT on
 * {@code probe.reservations} (10,000) future reservations of one hotel (arrival in 20 days, 3 nights), each with a
 * SCHEDULED pre-stay, pre-check-in, in-stay and survey, written by SQL: the PUT's answer time (the job is only written)
 * and the time until its background re-plan job is DONE (every pre-stay RESCHEDULED, one CommunicationEvent each).
 * Run: {@code -Dtest=SettingsReplanProbe -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.reservations=10000}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class SettingsReplanProbe {

    @Inject
    EntityManager entityManager;

    @Test
    void replan() {
        int count = Integer.getInteger("probe.reservations", 10_000);
        String tenant = "rprobe-" + UUID.randomUUID().toString().substring(0, 8);
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("""
                    INSERT INTO reservation (id, tenant, hotel_code, pms_system, pms_reservation_id, status, arrival,
                        departure, event_occurred_at, last_event_id, created_at, updated_at)
                    SELECT nextval('reservation_id_seq'), :tenant, 'RPROBE', 'probe', 'R' || g, 'CONFIRMED', :arrival,
                        cast(:arrival AS date) + 3, now(), gen_random_uuid(), now(), now()
                    FROM generate_series(1, :n) g""")
                    .setParameter("tenant", tenant).setParameter("arrival", arrival).setParameter("n", count)
                    .executeUpdate();
            entityManager.createNativeQuery("""
                    INSERT INTO communication (id, tenant, hotel_code, pms_reservation_id, step, channel, status, due_at,
                        attempts, correlation_id, created_at, updated_at)
                    SELECT gen_random_uuid(), :tenant, 'RPROBE', 'R' || g, s.step, 'EMAIL', 'SCHEDULED',
                        cast(:arrival AS date) + s.days + time '09:00', 0, 'probe', now(), now()
                    FROM generate_series(1, :n) g,
                         (VALUES ('PRE_STAY', -7), ('PRE_CHECK_IN', -1), ('IN_STAY', 1), ('POST_STAY_SURVEY', 4))
                         AS s (step, days)""")
                    .setParameter("tenant", tenant).setParameter("arrival", arrival).setParameter("n", count)
                    .executeUpdate();
        });
        // A warm-up PUT of a hotel without reservations (the first request of the application is slow).
        run(tenant, "RWARM", "{\"steps\": {\"preStay\": {\"at\": \"08:00\"}}}", 0);
        run(tenant, "RPROBE", "{\"steps\": {\"preStay\": {\"daysFromArrival\": -5, \"at\": \"08:00\"}}}", count);
        // The same settings again: every reservation looked at, nothing to change.
        run(tenant, "RPROBE", "{\"steps\": {\"preStay\": {\"daysFromArrival\": -5, \"at\": \"08:00\"}}}", count);
    }

    private static void run(String tenant, String hotel, String body, int count) {
        long start = System.nanoTime();
        JsonPath put = Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON).body(body)
                .put("/api/v1/journeys/" + tenant + "/hotels/" + hotel).then().statusCode(200).extract().jsonPath();
        double answeredMs = (System.nanoTime() - start) / 1e6;
        String href = put.getString("replan.href");
        JsonPath[] job = new JsonPath[1];
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            job[0] = Staff.viewer(tenant).get(href).jsonPath();
            return "DONE".equals(job[0].getString("status"));
        });
        double doneMs = (System.nanoTime() - start) / 1e6;
        System.out.printf("SettingsReplanProbe: hotel %s, %d reservations; PUT answered in %.0f ms; re-plan job DONE "
                        + "after %.0f ms (%d pages, %d reservations, %d changes; %.2f ms/reservation)%n",
                hotel, count, answeredMs, doneMs, job[0].getInt("pages"), job[0].getInt("reservations"),
                job[0].getInt("changes"), count == 0 ? 0 : doneMs / count);
        assertEquals(count, job[0].getInt("reservations"));
    }
}
