package org.guestcrm.platform.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.platform.retention.RetentionJob;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The platform's audit trail is not kept for ever: a pass of the retention job deletes audit rows older than
 * {@code guestcrm.audit.retention} (400 days by default), in batches of the policy's size, and keeps younger ones.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "platform"))
class AuditRetentionTest {

    @Inject
    RetentionJob retention;
    @Inject
    EntityManager entityManager;

    @Test
    void auditRowsOlderThanTheRetentionAreDeletedInBatchesAndYoungerOnesKept() {
        Instant now = Instant.parse("2031-06-01T00:00:00Z");
        String actor = "retention-" + UUID.randomUUID();
        // Five rows past 400 days (more than one batch of two), two inside it, one at the day before the limit.
        List<Instant> old = List.of(now.minus(Duration.ofDays(401)), now.minus(Duration.ofDays(500)),
                now.minus(Duration.ofDays(900)), now.minus(Duration.ofDays(401)), now.minus(Duration.ofDays(3000)));
        List<Instant> young = List.of(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(200)),
                now.minus(Duration.ofDays(399)));
        QuarkusTransaction.requiringNew().run(() -> {
            for (Instant at : old) {
                insert(actor, at, "old");
            }
            for (Instant at : young) {
                insert(actor, at, "young");
            }
        });

        RetentionJob.Pass pass = retention.runOnce(now);

        assertTrue(pass.complete(), pass::toString);
        // As of 2031 the other tests' audit rows (written today) are past 400 days too and go as well; count this
        // test's own rows.
        assertEquals(0, count(actor, "old"), "audit rows older than 400 days remain");
        assertEquals(young.size(), count(actor, "young"), "audit rows younger than 400 days were deleted");
        assertTrue(pass.auditEventsDeleted() >= old.size(), pass::toString);
        assertEquals(0, retention.runOnce(now.minus(Duration.ofDays(1000))).auditEventsDeleted(),
                "a pass as of an earlier day finds nothing of this test left to delete");
    }

    private void insert(String actor, Instant at, String action) {
        entityManager.createNativeQuery("""
                insert into audit_event (occurred_at, actor, tenant, roles, action, target_id, source_address, outcome)
                values (:at, :actor, 'retention-tenant', 'admin', :action, null, '192.0.2.1', 200)""")
                .setParameter("at", at).setParameter("actor", actor).setParameter("action", action).executeUpdate();
    }

    private long count(String actor, String action) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager
                .createNativeQuery("select count(*) from audit_event where actor = :actor and action = :action")
                .setParameter("actor", actor).setParameter("action", action).getSingleResult()).longValue());
    }
}
