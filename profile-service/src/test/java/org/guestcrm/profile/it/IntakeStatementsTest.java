package org.guestcrm.profile.it;

import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.GuestRecords;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * What one batch of pms.profiles costs the database, counted at the JDBC driver ({@link StatementCountingDriver}):
 * a batch of 10 and a batch of 100 records, each a third updates of stored profiles, a third new profiles that join a
 * stored guest (their e-mail and a close name), a third new persons, send the same number of queries (no query per
 * record) and write in JDBC batches. The figures are printed (and in the canvas).
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
@TestProfile(IntakeStatementsTest.CountingStatements.class)
class IntakeStatementsTest {

    /** Its own profile: the datasource goes through the counting driver (a build-time setting). */
    public static class CountingStatements implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.driver", StatementCountingDriver.class.getName());
        }
    }

    /**
     * The most queries a batch may send, whatever its size (the canvas lists them): 13, and 2 more when the batch joins
     * bridged guests, however many (the never-merge pairs read once, the review items moved in one update).
     */
    private static final int MOST_READS_PER_BATCH = 15;

    @Inject
    ProfileChangeHandler handler;
    @Inject
    GuestRecords records;

    @Test
    void aBatchSendsTheSameQueriesWhateverItsSizeAndWritesInJdbcBatches() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<GuestProfileChanged> stored = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            stored.add(person(tenant, "opera", "S-" + i, 1L, i).build());
        }
        apply(stored);

        StatementCountingDriver.Counts small = StatementCountingDriver.count(() -> apply(mixedBatch(tenant, 0, 9)));
        StatementCountingDriver.Counts large = StatementCountingDriver.count(() -> apply(mixedBatch(tenant, 9, 99)));
        System.out.println("Intake statements per batch of 9 records: " + small);
        System.out.println("Intake statements per batch of 99 records: " + large);
        System.out.println("Statements of the batch of 9 by shape: " + small.bySql);
        System.out.println("Statements of the batch of 99 by shape: " + large.bySql);

        System.out.println("Joins in these batches: " + joins(tenant));
        assertTrue(large.reads >= small.reads && large.reads <= small.reads + 2, "queries per batch do not grow with "
                + "the batch, but for the two a batch's joins add (small " + small + ", large " + large + ")");
        assertEquals(small.singleWrites, large.singleWrites, "single-row writes do not grow with the batch (small "
                + small + ", large " + large + ")");
        assertTrue(large.reads <= MOST_READS_PER_BATCH, "at most " + MOST_READS_PER_BATCH + " queries per batch: " + large);
        assertTrue(large.statements() < 40, "99 records cost fewer than 40 statements: " + large);

        // The batch did what it says: the joining newcomers are in their stored person's guest, the others not.
        UUID storedGuest = guestOf(tenant, "opera", "S-10");
        assertEquals(storedGuest, guestOf(tenant, "mews", "J-10"), "the newcomer joined the stored person's guest");
        assertTrue(!storedGuest.equals(guestOf(tenant, "mews", "N-11")), "a new person got a guest of its own");
    }

    /** Records {@code from} to {@code from + count - 1}: by index, an update, a joining newcomer, a new person. */
    private static List<GuestProfileChanged> mixedBatch(String tenant, int from, int count) {
        List<GuestProfileChanged> batch = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            batch.add(switch (i % 3) {
                case 0 -> person(tenant, "opera", "S-" + i, 2L, i).setLanguage("fr").build();
                case 1 -> person(tenant, "mews", "J-" + i, 1L, i).setFirstName("Ana" + letters(i)).build();
                default -> person(tenant, "mews", "N-" + i, 1L, 1000 + i).build();
            });
        }
        return batch;
    }

    private static GuestProfileChanged.Builder person(String tenant, String pms, String id, long sequence, int n) {
        return profile(tenant, pms, id, sequence)
                .setFirstName("Anna" + letters(n))
                .setLastName("Muster" + letters(n * 7 + 3))
                .setEmails(List.of(email("person" + n + "@example.com", true)));
    }

    /** A distinct run of letters per number (names hold letters only). */
    private static String letters(int n) {
        StringBuilder out = new StringBuilder();
        int v = n;
        do {
            out.append((char) ('a' + v % 26));
            v /= 26;
        } while (v > 0);
        return out.toString();
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

    @Inject
    jakarta.persistence.EntityManager entityManager;

    /** The joins of bridged guests decided for the tenant: the moved profile's PMS id and the explanation's rule. */
    @SuppressWarnings("unchecked")
    private List<String> joins(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<Object[]>) entityManager.createNativeQuery("""
                select s.pms_profile_id, d.explanation from match_decision d join source_profile s on s.id = d.source_profile_id
                where d.tenant = ?1 and d.rule = 'FS_JOINED'""").setParameter(1, tenant).getResultList()).stream()
                .map(r -> r[0] + ": " + r[1]).toList());
    }

    private UUID guestOf(String tenant, String pms, String id) {
        return QuarkusTransaction.requiringNew().call(() -> records.guestIdOfSourceProfile(tenant, pms, id).orElseThrow());
    }
}
