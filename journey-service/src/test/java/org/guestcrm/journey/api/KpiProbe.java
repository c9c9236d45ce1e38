package org.guestcrm.journey.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import org.guestcrm.journey.it.Staff;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Not in the suite (a probe: prints figures, asserts only counts). Cost of the KPI statement on
 * {@code probe.messages} (100,000) sent messages of one tenant over 10 hotels and 4 steps in the last 30 days (and as
 * many of another tenant), a tenth of their addresses unsubscribed through a link afterwards, written by SQL; then the
 * GET timed (5 times) and the statement's plan printed. Run: {@code -Dtest=KpiProbe
 * -Dsurefire.failIfNoSpecifiedTests=false -Dprobe.messages=100000}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class KpiProbe {

    @Inject
    EntityManager entityManager;

    @Test
    void kpis() {
        int count = Integer.getInteger("probe.messages", 100_000);
        String tenant = "kprobe-" + UUID.randomUUID().toString().substring(0, 8);
        for (String owner : List.of(tenant, "other-" + tenant)) {
            QuarkusTransaction.requiringNew().run(() -> {
                entityManager.createNativeQuery("""
                        INSERT INTO communication (id, tenant, hotel_code, pms_reservation_id, step, channel, status,
                            due_at, sent_at, attempts, correlation_id, contact_point, created_at, updated_at)
                        SELECT gen_random_uuid(), :tenant, 'H' || (g % 10), 'R' || g,
                            (ARRAY['PRE_STAY', 'IN_STAY', 'POST_STAY_SURVEY', 'CONFIRMATION'])[1 + g % 4], 'EMAIL',
                            CASE WHEN g % 50 = 0 THEN 'BOUNCED' ELSE 'SENT' END,
                            now() - (g % 30) * interval '1 day',
                            CASE WHEN g % 50 = 0 THEN NULL ELSE now() - (g % 30) * interval '1 day' END, 1, 'probe',
                            'g' || g || '@probe.example', now() - interval '40 days', now() - (g % 30) * interval '1 day'
                        FROM generate_series(1, :n) g""")
                        .setParameter("tenant", owner).setParameter("n", count).executeUpdate();
                entityManager.createNativeQuery("""
                        INSERT INTO consent_state (tenant, channel, purpose, contact_point, status, effective_at, event_id,
                            updated_at, scope, source)
                        SELECT :tenant, 'EMAIL', 'PRE_STAY_SERVICE', 'g' || g || '@probe.example', 'WITHDRAWN', now(),
                            gen_random_uuid(), now(), 'TENANT', 'UNSUBSCRIBE_LINK'
                        FROM generate_series(4, :n, 40) g""")
                        .setParameter("tenant", owner).setParameter("n", count).executeUpdate();
            });
        }
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("ANALYZE communication")
                .executeUpdate());
        long[] ms = new long[5];
        JsonPath report = null;
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            report = Staff.as(tenant, Roles.MARKETER).get("/api/v1/kpis/" + tenant).then().statusCode(200).extract()
                    .jsonPath();
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        int sent = report.<Integer>getList("hotels.figures.sent").stream().mapToInt(Integer::intValue).sum();
        int unsubscribed = report.<Integer>getList("hotels.figures.unsubscribed").stream().mapToInt(Integer::intValue)
                .sum();
        System.out.printf("KpiProbe: %d messages of the tenant (and %d of another); GET /api/v1/kpis answered in %s ms; "
                + "%d rows, sent %d, unsubscribed %d%n", count, count, java.util.Arrays.toString(ms),
                report.getList("steps").size(), sent, unsubscribed);
        @SuppressWarnings("unchecked")
        List<String> plan = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM communication c
                 WHERE c.tenant = :tenant AND c.status IN ('SENT', 'BOUNCED', 'FAILED')
                   AND coalesce(c.sent_at, c.updated_at) >= now() - interval '30 days'
                   AND coalesce(c.sent_at, c.updated_at) < now()""").setParameter("tenant", tenant).getResultList());
        plan.forEach(line -> System.out.println("KpiProbe plan (window): " + line));
        assertEquals(count, sent);
    }
}
