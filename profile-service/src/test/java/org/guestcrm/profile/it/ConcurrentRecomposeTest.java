package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.GuestRecords;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Two replicas (two threads, two transactions at a time, as two consumers on two partitions would run) update two
 * source profiles of the same guest concurrently: the guest row is locked while it is recomposed, so no update is lost:
 * every applied batch bumps the version once and the golden record ends with both profiles' last states.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class ConcurrentRecomposeTest {

    private static final int ROUNDS = 15;

    @Inject
    ProfileChangeHandler handler;
    @Inject
    GuestRecords records;

    @Test
    void twoReplicasRecomposingOneGuestNeverLoseAnUpdate() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        applyInOwnTransaction(profile(tenant, "opera", "A", 1L).setEmails(List.of(email("pair@example.com", true))).build());
        applyInOwnTransaction(profile(tenant, "mews", "B", 1L).setEmails(List.of(email("pair@example.com", true))).build());
        UUID guestId = QuarkusTransaction.requiringNew().call(
                () -> records.guestIdOfSourceProfile(tenant, "opera", "A").orElseThrow());
        assertEquals(guestId, QuarkusTransaction.requiringNew().call(
                () -> records.guestIdOfSourceProfile(tenant, "mews", "B").orElseThrow()));

        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String[] side : new String[][] {{"opera", "A"}, {"mews", "B"}}) {
                Callable<Void> replica = () -> {
                    for (long sequence = 2; sequence <= ROUNDS + 1; sequence++) {
                        applyInOwnTransaction(profile(tenant, side[0], side[1], sequence)
                                .setLastName(side[1] + "-" + sequence)
                                .setEmails(List.of(email("pair@example.com", true), email(side[1] + sequence + "@example.com", false)))
                                .build());
                    }
                    return null;
                };
                done.add(replicas.submit(replica));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            replicas.shutdown();
        }
        GuestRecords.StoredGuest stored = QuarkusTransaction.requiringNew().call(() -> records.load(guestId).orElseThrow());
        assertEquals(2 + 2L * ROUNDS, stored.guest().version, "every recomposition counted, none lost");
        List<String> emails = stored.contactPoints().stream().map(c -> c.value).distinct().sorted().toList();
        assertEquals(List.of("a" + (ROUNDS + 1) + "@example.com", "b" + (ROUNDS + 1) + "@example.com", "pair@example.com"),
                emails, "the last state of both profiles is in the golden record");
    }

    private void applyInOwnTransaction(GuestProfileChanged event) {
        IntakeRecord<GuestProfileChanged> record = new IntakeRecord<>(event, event.getMetadata().getEventId(),
                event.getMetadata().getTenantId() + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId(),
                "pms.profiles", 0, 0L);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                QuarkusTransaction.requiringNew().run(() -> handler.apply(List.of(record)));
                return true;
            } catch (RuntimeException e) {
                if (org.guestcrm.platform.intake.Failures.isTransient(e)) {
                    return false; // a deadlock or lock conflict is retried, as BatchIntake does
                }
                throw e;
            }
        });
    }

}
