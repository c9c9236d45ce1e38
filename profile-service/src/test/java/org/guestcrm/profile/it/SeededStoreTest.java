package org.guestcrm.profile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.BatchIntake;
import org.guestcrm.platform.outbox.OutboxSerde;
import org.guestcrm.profile.domain.matching.ClusterScorer;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.IncrementalLinker;
import org.guestcrm.profile.domain.matching.PersonRecord;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.messaging.ProfileChangeHandler;
import org.guestcrm.profile.persistence.MatchBlocks;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * A store seeded by {@link StoreSeeder} (COPY) looks to the intake exactly as one the intake built: the same synthetic
 * guests go through the intake into one tenant and, grouped as the intake grouped them, through the seeder into
 * another; both hold the same match features, blocking keys, term frequencies and golden records per profile, and the
 * same newcomers (half new persons, half another PMS's view of a stored one) find the same candidates and get the same
 * decisions (rule, score, the stored profiles in their guest) in both.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
@TestProfile(IntakeStatementsTest.CountingStatements.class)
class SeededStoreTest {

    private static final int PERSONS = 1_500;
    private static final double DUPLICATES = 0.2;
    private static final int NEWCOMERS = 300;

    @Inject
    BatchIntake intake;
    @Inject
    ProfileChangeHandler handler;
    @Inject
    OutboxSerde serde;
    @Inject
    MatchBlocks blocks;
    @Inject
    StoreSeeder seeder;
    @Inject
    EntityManager entityManager;

    private long offset;

    @Test
    void aSeededStoreGivesTheSameCandidatesAndDecisionsAsOneTheIntakeBuilt() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String built = "built-" + run;
        String seeded = "seeded-" + run;

        // The intake builds one store.
        List<GuestProfileChanged> all = new ArrayList<>();
        SyntheticGuests.store(built, 0, PERSONS, DUPLICATES).forEach(all::addAll);
        // Each event a millisecond after the one before: no two states of a guest tie on recency (the intake breaks
        // such a tie by the profiles' random ids, so two stores could differ there).
        java.time.Instant start = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        for (int i = 0; i < all.size(); i++) {
            GuestProfileChanged e = all.get(i);
            all.set(i, GuestProfileChanged.newBuilder(e).setMetadata(org.guestcrm.events.EventMetadata
                    .newBuilder(e.getMetadata()).setOccurredAt(start.plusMillis(i)).build()).build());
        }
        process(all, 500);

        // The seeder writes the other, each guest as the intake grouped its profiles (in link order).
        // (The same events in the other tenant, times included: survivorship breaks ties by recency.)
        Map<String, GuestProfileChanged> seededEvents = new HashMap<>();
        all.forEach(e -> seededEvents.put(e.getPmsProfileId(), inTenant(e, seeded)));
        List<List<GuestProfileChanged>> groups = new ArrayList<>();
        for (List<String> ids : clusters(built)) {
            groups.add(ids.stream().map(seededEvents::get).toList());
        }
        StoreSeeder.Seeded result = seeder.seed(groups.size(), (from, count) -> groups.subList(from, from + count));
        assertEquals(all.size(), result.profiles(), "every profile seeded");
        assertTrue(groups.size() < all.size(), "some guests hold two profiles: " + groups.size() + " guests");

        // The same stored features, keys, frequencies and golden records.
        assertSame(features(built), features(seeded), "match features per profile");
        assertSame(blockKeys(built), blockKeys(seeded), "blocking keys per profile");
        assertSame(frequencies(built), frequencies(seeded), "term frequencies");
        assertSame(goldenRecords(built), goldenRecords(seeded), "golden records per guest");

        // The same newcomers against both: the same candidates ...
        Random random = new Random(20261203L);
        List<SyntheticGuests.Person> newcomers = new ArrayList<>();
        for (int i = 0; i < NEWCOMERS; i++) {
            newcomers.add(i % 2 == 0 ? SyntheticGuests.person(PERSONS + i)
                    : SyntheticGuests.variant(SyntheticGuests.person(random.nextInt(PERSONS)), random));
        }
        assertSame(candidates(built, newcomers), candidates(seeded, newcomers), "candidates per newcomer");
        // ... and the same decisions.
        List<GuestProfileChanged> events = new ArrayList<>();
        for (int i = 0; i < newcomers.size(); i++) {
            events.add(SyntheticGuests.event(built, "third-pms", "N-" + i, newcomers.get(i)));
        }
        process(events, 150);
        process(events.stream().map(e -> inTenant(e, seeded)).toList(), 150);
        Map<String, String> builtDecisions = decisions(built);
        Map<String, String> seededDecisions = decisions(seeded);
        assertEquals(NEWCOMERS, builtDecisions.size(), "a decision per newcomer");
        assertSame(builtDecisions, seededDecisions, "decisions per newcomer (rule, score, stored profiles in its guest)");
        long joined = builtDecisions.values().stream().filter(d -> d.startsWith("FS_MATCH")).count();
        assertTrue(joined > NEWCOMERS / 4, joined + " newcomers joined a stored guest");
    }

    /** The same event in another tenant, under a new event id. */
    private static GuestProfileChanged inTenant(GuestProfileChanged event, String tenant) {
        return GuestProfileChanged.newBuilder(event).setMetadata(org.guestcrm.events.EventMetadata
                .newBuilder(event.getMetadata()).setTenantId(tenant).setEventId(UUID.randomUUID()).build()).build();
    }

    /** Equal maps, else a failure naming how many entries differ and the first three on each side. */
    private static <K, V> void assertSame(Map<K, V> expected, Map<K, V> actual, String what) {
        List<String> differing = new ArrayList<>();
        Set<K> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (K key : keys) {
            if (!java.util.Objects.equals(expected.get(key), actual.get(key))) {
                differing.add(key + ": built " + expected.get(key) + " / seeded " + actual.get(key));
            }
        }
        assertTrue(differing.isEmpty(), what + ": " + differing.size() + " of " + keys.size() + " differ, e.g. "
                + differing.subList(0, Math.min(3, differing.size())));
    }

    private void process(List<GuestProfileChanged> events, int batchSize) {
        for (int from = 0; from < events.size(); from += batchSize) {
            List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
            for (GuestProfileChanged event : events.subList(from, Math.min(events.size(), from + batchSize))) {
                String key = event.getMetadata().getTenantId() + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId();
                batch.add(new ConsumerRecord<>("pms.profiles", 0, offset++, key, serde.serialize("pms.profiles", event)));
            }
            intake.process(handler, batch);
        }
    }

    /** The tenant's guests as lists of PMS profile ids in link order. */
    private List<List<String>> clusters(String tenant) {
        Map<UUID, List<String>> out = new LinkedHashMap<>();
        for (Object[] row : rows("""
                select l.guest_id, s.pms_profile_id from source_profile s join guest_source_profile l on l.source_profile_id = s.id
                where s.tenant = ?1 order by l.guest_id, l.linked_at, s.id""", tenant)) {
            out.computeIfAbsent((UUID) row[0], k -> new ArrayList<>()).add((String) row[1]);
        }
        return new ArrayList<>(out.values());
    }

    private Map<String, String> features(String tenant) {
        Map<String, String> out = new TreeMap<>();
        for (Object[] row : rows("""
                select pms_profile_id, concat_ws('|', match_given_name, match_surname, match_birth_date, match_postcode,
                  match_city, match_street, match_email, match_phone, match_document, match_loyalty, emails::text,
                  phones::text, first_name, last_name, birth_date, city, postal_code, country_code, hotel_code, preferences::text)
                from source_profile where tenant = ?1""", tenant)) {
            out.put((String) row[0], (String) row[1]);
        }
        return out;
    }

    private Map<String, String> blockKeys(String tenant) {
        Map<String, String> out = new TreeMap<>();
        for (Object[] row : rows("""
                select s.pms_profile_id, string_agg(b.block_key, ' ' order by b.block_key) from source_profile s
                join source_profile_block b on b.source_profile_id = s.id where s.tenant = ?1 group by s.pms_profile_id""",
                tenant)) {
            out.put((String) row[0], (String) row[1]);
        }
        return out;
    }

    private Map<String, Long> frequencies(String tenant) {
        Map<String, Long> out = new TreeMap<>();
        for (Object[] row : rows("select field || value_hash, count from match_term_frequency where tenant = ?1 and count > 0",
                tenant)) {
            out.put((String) row[0], ((Number) row[1]).longValue());
        }
        return out;
    }

    /** Per guest (named by its first profile): the golden record's fields and its contact points. */
    private Map<String, String> goldenRecords(String tenant) {
        Map<String, String> out = new TreeMap<>();
        for (Object[] row : rows("""
                select (select min(s.pms_profile_id) from guest_source_profile l join source_profile s on s.id = l.source_profile_id
                        where l.guest_id = g.id),
                  concat_ws('|', g.first_name, g.last_name, g.birth_date, g.field_sources::text,
                    (select string_agg(c.kind || ':' || c.value || ':' || c.is_primary || ':' || coalesce(c.not_for_marketing, '')
                            || ':' || c.source_trust || ':' || (c.ref is not null), ' ' order by c.kind, c.value, c.is_primary)
                     from guest_contact_point c where c.guest_id = g.id))
                from guest g where g.tenant = ?1 and g.merged_into is null""", tenant)) {
            out.put((String) row[0], ((String) row[1]).replaceAll("\\(([A-Z_]+), ([A-Z]+), [^)]*\\)", "($1, $2)"));
        }
        return out;
    }

    /** Per newcomer: the stored profiles (PMS ids) it would be scored against, and their guests' first profiles. */
    private Map<Integer, String> candidates(String tenant, List<SyntheticGuests.Person> newcomers) {
        EmailEvidence emails = EmailEvidence.standard();
        List<List<String>> keys = new ArrayList<>();
        Set<MatchBlocks.BlockKey> wanted = new LinkedHashSet<>();
        for (int i = 0; i < newcomers.size(); i++) {
            SourceProfileEntity scratch = new SourceProfileEntity();
            GuestMapper.copyInto(SyntheticGuests.event(tenant, "third-pms", "N-" + i, newcomers.get(i)), scratch);
            GuestMapper.computeMatchFeatures(scratch, emails);
            PersonRecord person = GuestMapper.personOf(scratch);
            List<String> own = new ArrayList<>(IncrementalLinker.blockingKeys(person));
            keys.add(own);
            own.forEach(k -> wanted.add(new MatchBlocks.BlockKey(tenant, k)));
        }
        ClusterScorer.Thresholds thresholds = ClusterScorer.Thresholds.STANDARD;
        MatchBlocks.Found found = QuarkusTransaction.requiringNew().call(() -> blocks.find(wanted, thresholds.blockCap()));
        Map<UUID, String> pmsIds = new HashMap<>();
        rows("select id, pms_profile_id from source_profile where tenant = ?1", tenant)
                .forEach(r -> pmsIds.put((UUID) r[0], (String) r[1]));
        Map<UUID, String> guestNames = new HashMap<>();
        rows("""
                select l.guest_id, min(s.pms_profile_id) from guest_source_profile l join source_profile s on s.id = l.source_profile_id
                where s.tenant = ?1 group by l.guest_id""", tenant).forEach(r -> guestNames.put((UUID) r[0], (String) r[1]));
        Map<Integer, String> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Set<String> profiles = new TreeSet<>();
            Set<String> guests = new TreeSet<>();
            for (String key : IncrementalLinker.usableBlocks(keys.get(i),
                    k -> found.members().getOrDefault(new MatchBlocks.BlockKey(tenant, k), List.of()),
                    thresholds.blockCap(), thresholds.candidateBudget())) {
                for (UUID member : found.members().get(new MatchBlocks.BlockKey(tenant, key))) {
                    profiles.add(pmsIds.get(member));
                    guests.add(guestNames.get(found.guestOf().get(member)));
                }
            }
            out.put(i, profiles + " in " + guests);
        }
        return out;
    }

    /** Per newcomer: its decision's rule and score, and the other profiles of its guest. */
    private Map<String, String> decisions(String tenant) {
        Map<String, String> out = new TreeMap<>();
        for (Object[] row : rows("""
                select s.pms_profile_id, d.rule || ' ' || coalesce(round(d.score::numeric, 9)::text, '-') || ' '
                  || coalesce((select string_agg(o.pms_profile_id, ',' order by o.pms_profile_id)
                     from guest_source_profile l join guest_source_profile m on m.guest_id = l.guest_id
                     join source_profile o on o.id = m.source_profile_id
                     where l.source_profile_id = s.id and o.id <> s.id), '')
                from source_profile s join match_decision d on d.source_profile_id = s.id
                where s.tenant = ?1 and s.pms_system = 'third-pms' and d.rule <> 'FS_JOINED'""", tenant)) {
            out.put((String) row[0], (String) row[1]);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(sql).setParameter(1, tenant)
                .getResultList());
    }
}
