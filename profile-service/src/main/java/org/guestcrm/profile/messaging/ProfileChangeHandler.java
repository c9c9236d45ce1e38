package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.domain.matching.ClusterScorer;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.IncrementalLinker;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.domain.matching.PersonRecord;
import org.guestcrm.profile.domain.matching.TermFrequencies;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestJoins;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.MatchBlocks;
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.MatchKeyLocks;
import org.guestcrm.profile.persistence.MatchTermFrequencies;
import org.guestcrm.profile.persistence.SharedContactPoints;
import org.guestcrm.profile.domain.SharedContactRule;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Applies a batch of pms.profiles records in the batch's transaction (service-platform's {@code BatchIntake} calls
 * {@link #apply} with the records never processed before, in offset order):
 * <ol>
 *   <li>locks the batch's identifying match keys (tenant + e-mail, phone, document, loyalty number, phonetic surname +
 *       birth date; one statement), so two replicas never create two guests for one person;</li>
 *   <li>loads in bulk: the held source profiles of every key with their guest links (one query); the tenants' term
 *       frequencies of the new profiles' values (one); the candidates of the new profiles through all their blocking
 *       keys with their guests ({@link MatchBlocks#find}: one statement, each block read up to the cap); locks every
 *       guest involved ({@code for update}, id order), then reads these guests' whole clusters as match features
 *       ({@link MatchBlocks#clusters}: one statement, no entity loaded);</li>
 *   <li>walks the records in order (so per key in order): an older state is skipped, a newer one stored with its match
 *       features; a new profile is scored by {@link ClusterScorer} (model {@link MatchModel#VERSION}) against every member
 *       of each candidate guest (stored, or created earlier in the batch) and joins the best (auto-merge), or gets a new
 *       guest with the pair pending review, or a new guest; the decision keeps its evidence;</li>
 *   <li>recomposes each guest the batch touched once ({@link GuestRecomposer}, handed the members and profiles it
 *       holds); flushes once (JDBC batches); writes the profiles' blocking keys and the term-frequency changes.</li>
 * </ol>
 */
@ApplicationScoped
public class ProfileChangeHandler implements IntakeHandler<GuestProfileChanged> {

    private static final Logger LOG = Logger.getLogger(ProfileChangeHandler.class);

    private final ClusterScorer scorer = new ClusterScorer(new MatchModel(), ClusterScorer.Thresholds.STANDARD);
    /** OTA relay, agency and placeholder addresses (a data file) are never merge evidence. */
    private final EmailEvidence emailEvidence = EmailEvidence.standard();

    @Inject
    ProfileConfig config;
    @Inject
    MatchKeyLocks locks;
    @Inject
    MatchBlocks blocks;
    @Inject
    EntityManager entityManager;
    @Inject
    GuestRecomposer recomposer;
    @Inject
    MeterRegistry meters;
    @Inject
    SharedContactPoints shared;
    @Inject
    org.guestcrm.profile.persistence.ErasureMarkers erasures;
    @Inject
    MatchTermFrequencies termFrequencies;
    @Inject
    GuestMerges merges;
    @Inject
    org.guestcrm.profile.persistence.TenantMatchParameters tenantParameters;
    @Inject
    GuestJoins joins;
    @Inject
    org.guestcrm.profile.persistence.IntakeRows rows;

    @Override
    public String consumer() {
        return config.serviceName();
    }

    @Override
    public Class<GuestProfileChanged> recordType() {
        return GuestProfileChanged.class;
    }

    @Override
    public UUID eventIdOf(GuestProfileChanged event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null || metadata.getOccurredAt() == null) {
            throw new PoisonRecordException("GuestProfileChanged without event metadata (eventId, occurredAt)");
        }
        try {
            keyOf(event);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException("GuestProfileChanged " + metadata.getEventId() + " cannot be applied: "
                    + e.getMessage());
        }
        return metadata.getEventId();
    }

    /**
     * A profile's preferences beyond the bounds are cut or left out, never the profile: counted per reason
     * ({@code guestcrm_profile_preferences_trimmed_total{reason}}) and said in one line with ids and counts, no values.
     */
    private void countTrimmedPreferences(UUID eventId, UUID sourceProfileId,
            org.guestcrm.profile.domain.Preferences.Bounded bounded) {
        java.util.Map<String, Integer> byReason = java.util.Map.of("blank", bounded.blank(),
                "key_too_long", bounded.keysTooLong(), "value_cut", bounded.valuesCut(), "over_count", bounded.overCount());
        byReason.forEach((reason, n) -> {
            if (n > 0) {
                Counter.builder("guestcrm.profile.preferences.trimmed")
                        .description("Preference entries of pms.profiles left out or cut to the service's bounds")
                        .tag("reason", reason).register(meters).increment(n);
            }
        });
        if (bounded.keysTooLong() + bounded.valuesCut() + bounded.overCount() == 0) {
            return;
        }
        LOG.infof("Event %s: preferences of source profile %s bounded (%d blank left out, %d keys over %d characters left "
                + "out, %d values cut to %d characters, %d entries over %d left out).", eventId, sourceProfileId,
                bounded.blank(), bounded.keysTooLong(), org.guestcrm.profile.domain.Preferences.MAX_KEY_LENGTH,
                bounded.valuesCut(), org.guestcrm.profile.domain.Preferences.MAX_VALUE_LENGTH, bounded.overCount(),
                org.guestcrm.profile.domain.Preferences.MAX_ENTRIES);
    }

    private static SourceProfileKey keyOf(GuestProfileChanged event) {
        return new SourceProfileKey(event.getMetadata().getTenantId(), event.getPmsSystem(), event.getPmsProfileId());
    }

    /**
     * Applies the batch with Hibernate's automatic flush off: every query of the batch reads rows its pending changes do
     * not touch (the reads come before the changes, and the recomposer is handed what the batch holds), so a query
     * never needs a flush, and the batch's entities are dirty-checked once, at the one explicit flush, not before each
     * query.
     */
    @Override
    public void apply(List<IntakeRecord<GuestProfileChanged>> batch) {
        org.hibernate.Session session = entityManager.unwrap(org.hibernate.Session.class);
        org.hibernate.FlushMode mode = session.getHibernateFlushMode();
        session.setHibernateFlushMode(org.hibernate.FlushMode.COMMIT);
        try {
            applyInOrder(batch);
        } finally {
            session.setHibernateFlushMode(mode);
        }
    }

    private void applyInOrder(List<IntakeRecord<GuestProfileChanged>> batch) {
        Instant now = Instant.now();
        // Profiles of erased guests (GDPR) are suppressed: their markers are held, their states never stored again.
        Set<SourceProfileKey> erased = erasures.erased(batch.stream().map(r -> keyOf(r.value())).toList());
        List<IntakeRecord<GuestProfileChanged>> records = erased.isEmpty() ? batch
                : batch.stream().filter(r -> !erased.contains(keyOf(r.value()))).toList();
        if (records.size() < batch.size()) {
            Counter.builder("guestcrm.profile.erased.suppressed").description("Events of erased guests' profiles skipped")
                    .register(meters).increment(batch.size() - records.size());
            LOG.debugf("%d event(s) of erased profiles suppressed.", batch.size() - records.size());
            if (records.isEmpty()) {
                return;
            }
        }
        int cap = scorer.thresholds().blockCap();
        Set<SourceProfileKey> keys = new LinkedHashSet<>();
        Set<String> lockKeys = new HashSet<>();
        // Each event's person as the matcher sees it, before any demotion (normalising is a good part of the CPU of a
        // record: once per record here, reused for the demotions, the look-up and the decision's note).
        Map<UUID, PersonRecord> rawPersons = new HashMap<>();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            rawPersons.put(record.eventId(), personOf(record.value(), k -> false));
        }
        Demotions demotions = demoteSharedContactPoints(records, rawPersons, now);
        Set<SharedContactPoints.Key> demoted = demotions.all();
        Map<UUID, PersonRecord> eventPersons = new HashMap<>();
        Map<UUID, Set<String>> eventKeys = new HashMap<>();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            SourceProfileKey key = keyOf(record.value());
            keys.add(key);
            PersonRecord person = demoted.isEmpty() ? rawPersons.get(record.eventId())
                    : personOf(record.value(), sharedIn(key.tenant(), demoted));
            eventPersons.put(record.eventId(), person);
            Set<String> personKeys = IncrementalLinker.blockingKeys(person);
            eventKeys.put(record.eventId(), personKeys);
            for (String blockKey : personKeys) {
                if (LOCKED_FAMILIES.contains(familyOf(blockKey))) {
                    lockKeys.add(key.tenant() + "|" + blockKey);
                }
            }
        }
        locks.lockAll(lockKeys);

        SourceProfileEntity.Held heldWithGuests = SourceProfileEntity.findByKeysWithGuests(keys);
        Map<SourceProfileKey, SourceProfileEntity> held = heldWithGuests.profiles();
        Map<UUID, UUID> guestOfSource = new HashMap<>(heldWithGuests.guestOf());

        // Term frequencies (fs-3) of the newcomers' names and cities and the fields' totals, per tenant: one statement.
        Map<String, List<PersonRecord>> newcomersByTenant = new HashMap<>();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            SourceProfileKey key = keyOf(record.value());
            List<PersonRecord> newcomers = newcomersByTenant.computeIfAbsent(key.tenant(), k -> new ArrayList<>());
            if (!held.containsKey(key)) {
                newcomers.add(eventPersons.get(record.eventId()));
            }
        }
        Map<String, TermFrequencies> frequencies = termFrequencies.load(newcomersByTenant);

        // Candidates of the new profiles: all their blocking keys looked up in one statement (capped), with their guests.
        Set<MatchBlocks.BlockKey> wanted = new LinkedHashSet<>();
        // Changed profiles too: a new state may bridge its guest with another (rejoinChanged).
        for (IntakeRecord<GuestProfileChanged> record : records) {
            SourceProfileKey key = keyOf(record.value());
            eventKeys.get(record.eventId()).forEach(k -> wanted.add(new MatchBlocks.BlockKey(key.tenant(), k)));
        }
        // Read up to the largest block a record can use (a block over the candidate budget is never used either).
        MatchBlocks.Found found = blocks.find(wanted, scorer.thresholds().largestUsableBlock());
        found.guestOf().forEach(guestOfSource::putIfAbsent);
        // Only the guests of the blocks each record will use (fs-7: its smallest blocks within the candidate budget) are
        // locked and read, so what a batch locks, reads and scores does not grow with the store.
        Set<UUID> toLock = new HashSet<>(heldWithGuests.guestOf().values());
        int budget = scorer.thresholds().candidateBudget();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            String tenant = keyOf(record.value()).tenant();
            for (String blockKey : IncrementalLinker.usableBlocks(eventKeys.get(record.eventId()),
                    k -> storedMembers(found, tenant, k), cap, budget)) {
                for (UUID member : storedMembers(found, tenant, blockKey)) {
                    UUID guestId = found.guestOf().get(member);
                    if (guestId != null) {
                        toLock.add(guestId);
                    }
                }
            }
        }
        // Guests holding a contact point demoted by this batch are recomposed too (it is no longer their primary).
        Map<UUID, EventMetadata> holdersOfDemoted = holdersOf(demotions.newly(), records);
        toLock.addAll(holdersOfDemoted.keySet());
        // Locked and read without entities: most are only candidates; the entities of the guests recomposed are loaded
        // at the end of the walk (one query).
        Map<UUID, BatchGuest> guests = new HashMap<>();
        joins.lock(toLock).values().stream().filter(g -> g.mergedInto() == null)
                .forEach(g -> guests.put(g.id(), new BatchGuest(g.id(), g.tenant(), g.createdAt(), null)));
        Joined joined = new Joined();

        // The whole clusters of every guest involved, read after their rows are locked (so no stale membership), as
        // match features in one statement: the candidates' for scoring, all of them for the recomposition.
        Map<UUID, List<UUID>> membersOfGuest = new HashMap<>();
        Map<UUID, List<GuestRecomposer.Member>> membership = new HashMap<>();
        Map<UUID, PersonRecord> persons = new HashMap<>();
        for (MatchBlocks.ClusterMember member : blocks.clusters(guests.keySet())) {
            membersOfGuest.computeIfAbsent(member.guestId(), k -> new ArrayList<>()).add(member.sourceProfileId());
            membership.computeIfAbsent(member.guestId(), k -> new ArrayList<>())
                    .add(new GuestRecomposer.Member(member.sourceProfileId(), member.linkedAt()));
            guestOfSource.put(member.sourceProfileId(), member.guestId());
            persons.put(member.sourceProfileId(), member.person());
            joined.storedMembers.add(member.sourceProfileId());
        }

        Map<MatchBlocks.BlockKey, List<UUID>> addedHere = new HashMap<>();
        Map<UUID, MatchBlocks.BlockRows> keysToWrite = new LinkedHashMap<>();
        Set<UUID> createdHere = new HashSet<>();
        Map<UUID, EventMetadata> touched = new LinkedHashMap<>();
        Map<UUID, SourceProfileEntity> known = new HashMap<>();
        held.values().forEach(s -> known.put(s.id, s));
        Map<UUID, GuestSourceProfileEntity> linksHere = new HashMap<>();
        List<MatchDecisionEntity> decisionsHere = new ArrayList<>();
        List<SourceProfileEntity> newSources = new ArrayList<>();
        List<GuestEntity> newGuests = new ArrayList<>();
        Batch batchState = new Batch(guestOfSource, membersOfGuest, membership, persons, guests, createdHere, touched,
                known, linksHere, decisionsHere, joined, newGuests);
        int outdated = 0;
        for (IntakeRecord<GuestProfileChanged> record : records) {
            GuestProfileChanged event = record.value();
            SourceProfileKey key = keyOf(event);
            SourceProfileEntity source = held.get(key);
            if (source != null && !GuestMapper.versionOf(event).isNewerThan(GuestMapper.versionOf(source))) {
                LOG.debugf("Event %s for source profile %s is not newer than the state held (from event %s); skipped.",
                        record.eventId(), source.id, source.lastEventId);
                outdated++;
                continue;
            }
            boolean isNew = source == null;
            PersonRecord before = isNew ? null : GuestMapper.personOf(source);
            if (isNew) {
                source = new SourceProfileEntity();
                source.id = UUID.randomUUID();
            }
            TermFrequencies tenantFrequencies = frequencies.get(key.tenant());
            source.receivedAt = now;
            org.guestcrm.profile.domain.Preferences.Bounded preferences = GuestMapper.copyInto(event, source);
            if (preferences.trimmed()) {
                countTrimmedPreferences(record.eventId(), source.id, preferences);
            }
            // The event's features as computed above (copyInto sets every field the features read from the event).
            GuestMapper.setMatchFeatures(source, eventPersons.get(record.eventId()));
            PersonRecord person = GuestMapper.personOf(source);
            Set<String> blockKeys = IncrementalLinker.blockingKeys(person);
            if (isNew) {
                newSources.add(source);
                held.put(key, source);
                known.put(source.id, source);
                UUID guestId = attach(record.eventId(), event.getMetadata(), source, person, blockKeys, found, addedHere,
                        batchState, now, sharedNote(rawPersons.get(record.eventId()), person), tenantFrequencies);
                guestOfSource.put(source.id, guestId);
                membersOfGuest.computeIfAbsent(guestId, k -> new ArrayList<>()).add(source.id);
                membership.computeIfAbsent(guestId, k -> new ArrayList<>()).add(new GuestRecomposer.Member(source.id, now));
                for (String blockKey : blockKeys) {
                    addedHere.computeIfAbsent(new MatchBlocks.BlockKey(source.tenant, blockKey), k -> new ArrayList<>())
                            .add(source.id);
                }
            }
            if (!isNew) {
                rejoinChanged(source, person, blockKeys, found, addedHere, batchState, event.getMetadata(), now,
                        tenantFrequencies);
            }
            if (before != null) {
                tenantFrequencies.remove(before);
            }
            tenantFrequencies.add(person);
            persons.put(source.id, person);
            keysToWrite.put(source.id, new MatchBlocks.BlockRows(source.tenant, blockKeys));
            UUID guestId = guestOfSource.get(source.id);
            if (guestId == null) {
                throw new IllegalStateException("Source profile " + source.id + " is in no guest");
            }
            touched.remove(guestId);
            touched.put(guestId, event.getMetadata());
        }
        holdersOfDemoted.forEach((guestId, metadata) -> {
            if (guests.containsKey(guestId)) {
                touched.putIfAbsent(guestId, metadata);
            }
        });
        Map<UUID, GuestRecomposer.Cause> causes = new LinkedHashMap<>();
        touched.forEach((guestId, metadata) -> causes.put(guestId, GuestRecomposer.Cause.of(metadata)));
        List<org.guestcrm.profile.persistence.IntakeRows.StoredGuest> storedGuests = new ArrayList<>();
        Map<UUID, GuestEntity> recomposed = guestEntities(touched.keySet(), guests, joined, storedGuests, now);
        loadMissingSources(touched.keySet(), membership, joined, known);
        for (MergeToPublish merge : joined.merges) {
            merges.publishAutomaticMerge(merge.survivor(), merge.tenant(), merge.absorbed(),
                    merge.moved().stream().map(known::get).filter(java.util.Objects::nonNull).toList(), merge.weakest(),
                    merge.explanation(), merge.metadata(), now);
        }
        List<org.guestcrm.profile.persistence.GuestContactPointEntity> newPoints = new ArrayList<>();
        recomposer.recompose(causes, recomposed, membership, known, createdHere, newPoints, now);
        // The batch's new rows in their final state (a new guest as recomposed, a moved link's last guest), one
        // multi-row statement per table; then the flush writes what Hibernate still holds (updated profiles, stored
        // guests, contact points, outbox rows).
        rows.insert(newSources, newGuests, linksHere.values(), decisionsHere, newPoints);
        rows.update(storedGuests);
        entityManager.flush();
        Map<UUID, UUID> survivorOf = new LinkedHashMap<>();
        joined.absorbedInto.keySet().forEach(id -> survivorOf.put(id, joined.finalOf(id)));
        Map<UUID, UUID> linkMoves = new LinkedHashMap<>();
        joined.storedLinkMoves.forEach((sourceId, guestId) -> linkMoves.put(sourceId, joined.finalOf(guestId)));
        joins.write(survivorOf, joined.storedAbsorbed, linkMoves, now);
        blocks.replace(keysToWrite);
        termFrequencies.save(frequencies);
        LOG.debugf("Batch of %d profile event(s): %d outdated, %d guest(s) recomposed, %d created.", records.size(),
                outdated, touched.size(), createdHere.size());
    }

    /** The stored members of a block as the look-up found them (none when it is over the cap or absent). */
    private static List<UUID> storedMembers(MatchBlocks.Found found, String tenant, String blockKey) {
        return found.members().getOrDefault(new MatchBlocks.BlockKey(tenant, blockKey), List.of());
    }

    /**
     * The guests to recompose: those the batch created, and the stored ones read now (one JDBC query, no entity
     * managed: their rows are locked since the start of the batch, and {@code storedGuests} keeps them as read, so only
     * the changed ones are written, in one statement). The guests the batch created and absorbed name their survivor.
     */
    private Map<UUID, GuestEntity> guestEntities(Set<UUID> touched, Map<UUID, BatchGuest> guests, Joined joined,
            List<org.guestcrm.profile.persistence.IntakeRows.StoredGuest> storedGuests, Instant now) {
        Map<UUID, GuestEntity> out = new HashMap<>();
        List<UUID> stored = new ArrayList<>();
        for (UUID id : touched) {
            BatchGuest guest = guests.get(id);
            if (guest != null && guest.created() != null) {
                out.put(id, guest.created());
            } else {
                stored.add(id);
            }
        }
        rows.guests(stored).values().forEach(g -> {
            storedGuests.add(g);
            out.put(g.guest().id, g.guest());
        });
        joined.createdAbsorbed.forEach((id, entity) -> {
            entity.mergedInto = joined.finalOf(id);
            entity.updatedAt = now;
        });
        return out;
    }

    /**
     * The source profiles of the guests to recompose that the batch does not hold yet (one read-only JDBC query): the
     * recomposer and the GuestMerged records of the batch's joins need them.
     */
    private void loadMissingSources(Set<UUID> touched, Map<UUID, List<GuestRecomposer.Member>> membership, Joined joined,
            Map<UUID, SourceProfileEntity> known) {
        Set<UUID> missing = new HashSet<>();
        touched.forEach(id -> membership.getOrDefault(id, List.of()).forEach(m -> {
            if (!known.containsKey(m.sourceProfileId())) {
                missing.add(m.sourceProfileId());
            }
        }));
        joined.merges.forEach(m -> m.moved().stream().filter(id -> !known.containsKey(id)).forEach(missing::add));
        known.putAll(rows.sourceProfiles(missing));
    }

    /**
     * The tenant's scorer: its newest accepted fitted parameters ({@code TenantMatchParameters}, held in memory, so
     * no statement in the batch), else the fixed set; the same thresholds for every tenant.
     */
    private ClusterScorer scorerFor(String tenant) {
        MatchModel model = tenantParameters.modelFor(tenant);
        return model.version().equals(MatchModel.VERSION) ? scorer
                : new ClusterScorer(model, ClusterScorer.Thresholds.STANDARD);
    }

    /** Match families whose keys are locked for the batch: identifiers two replicas must never both turn into a guest. */
    private static final Set<String> LOCKED_FAMILIES = Set.of("e", "p", "d", "l", "sb");

    private static String familyOf(String blockKey) {
        return blockKey.substring(0, blockKey.indexOf(':'));
    }

    /** The event's person as the matcher sees it (for the locks and the look-up, before anything is stored). */
    private PersonRecord personOf(GuestProfileChanged event, java.util.function.Predicate<String> shared) {
        SourceProfileEntity scratch = new SourceProfileEntity();
        GuestMapper.copyInto(event, scratch);
        GuestMapper.computeMatchFeatures(scratch, emailEvidence, shared);
        return GuestMapper.personOf(scratch);
    }

    /** Says which of the profile's contact points were left out of matching as shared by unrelated guests, or null. */
    private static String sharedNote(PersonRecord raw, PersonRecord person) {
        List<String> left = new ArrayList<>();
        if (raw.email() != null && !raw.email().equals(person.email())) {
            left.add("e-mail");
        }
        if (raw.phone() != null && !raw.phone().equals(person.phone())) {
            left.add("phone");
        }
        return left.isEmpty() ? null : "its " + String.join(" and ", left)
                + " is shared by unrelated guests of the tenant, so no evidence";
    }

    private static java.util.function.Predicate<String> sharedIn(String tenant, Set<SharedContactPoints.Key> demoted) {
        return matchKey -> !demoted.isEmpty() && demoted.contains(new SharedContactPoints.Key(tenant, matchKey));
    }

    /** The demoted keys among the batch's contact points, and those this batch demoted (their holders are recomposed). */
    private record Demotions(Set<SharedContactPoints.Key> all, Set<SharedContactPoints.Key> newly) {
    }

    /**
     * Finds the batch's e-mails and phones (as match features) that are shared by unrelated guests
     * ({@link SharedContactRule}): the surnames of the stored profiles holding each (one statement) and of the batch's
     * profiles; a point reaching the threshold is recorded as demoted (sticky). Returns every demoted key of the batch.
     */
    private Demotions demoteSharedContactPoints(List<IntakeRecord<GuestProfileChanged>> records,
            Map<UUID, PersonRecord> rawPersons, Instant now) {
        Map<SharedContactPoints.Key, Set<String>> batchNames = new HashMap<>();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            String tenant = keyOf(record.value()).tenant();
            PersonRecord person = rawPersons.get(record.eventId());
            for (String matchKey : new String[] {person.email() == null ? null : "e:" + person.email(),
                    person.phone() == null ? null : "p:" + person.phone()}) {
                if (matchKey != null) {
                    Set<String> names = batchNames.computeIfAbsent(new SharedContactPoints.Key(tenant, matchKey), k -> new HashSet<>());
                    if (person.surname() != null) {
                        names.add(person.surname());
                    }
                }
            }
        }
        if (batchNames.isEmpty()) {
            return new Demotions(Set.of(), Set.of());
        }
        SharedContactPoints.Holdings holdings = shared.lookUp(batchNames.keySet());
        Set<SharedContactPoints.Key> demoted = holdings.demoted();
        List<SharedContactPoints.Key> open = batchNames.keySet().stream().filter(k -> !demoted.contains(k)).toList();
        Map<SharedContactPoints.Key, List<String>> stored = holdings.surnames();
        Map<SharedContactPoints.Key, Integer> newly = new LinkedHashMap<>();
        for (SharedContactPoints.Key key : open) {
            Set<String> names = new HashSet<>(batchNames.get(key));
            names.addAll(stored.getOrDefault(key, List.of()));
            if (sharedRule().isShared(names)) {
                newly.put(key, SharedContactRule.unrelatedNames(names));
            }
        }
        shared.demote(newly, now);
        newly.forEach((key, count) -> {
            String kind = key.matchKey().startsWith("e:") ? "EMAIL" : "PHONE";
            LOG.infof("Contact point %s of tenant %s is held by %d unrelated names: demoted (no longer merge evidence "
                    + "nor a marketing address).", ContactPointRef.of(key.tenant(), kind, key.matchKey().substring(2)),
                    key.tenant(), count);
            Counter.builder("guestcrm.profile.shared.contact.points.demoted").tag("kind", kind)
                    .description("Contact points found shared by unrelated guests and demoted").register(meters).increment();
        });
        Set<SharedContactPoints.Key> all = new HashSet<>(demoted);
        all.addAll(newly.keySet());
        return new Demotions(all, newly.keySet());
    }

    private SharedContactRule sharedRule() {
        return new SharedContactRule(config.sharedContactMinUnrelatedNames());
    }

    /** The guests holding these newly demoted points (one statement), each with the metadata of a batch record of its tenant. */
    private Map<UUID, EventMetadata> holdersOf(Set<SharedContactPoints.Key> keys,
            List<IntakeRecord<GuestProfileChanged>> records) {
        Map<UUID, EventMetadata> holders = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return holders;
        }
        Map<String, EventMetadata> metadataOfTenant = new HashMap<>();
        records.forEach(r -> metadataOfTenant.putIfAbsent(keyOf(r.value()).tenant(), r.value().getMetadata()));
        shared.holders(keys).forEach((guestId, tenant) -> holders.put(guestId, metadataOfTenant.get(tenant)));
        return holders;
    }

    /**
     * Puts a new source profile in a guest: its blocking keys name the candidate profiles (stored within the cap, or
     * added earlier in this batch); their guests are the candidate clusters, in creation order; {@link ClusterScorer}
     * scores the newcomer against every member of each and decides: join the best (auto-merge), a new guest with the
     * pair to review, or a new guest. When it also auto-merges with other candidate guests and nothing keeps them apart,
     * they are joined ({@link #joinBridged}). The decision keeps its evidence (fields, levels, weights, model version).
     */
    private UUID attach(UUID eventId, EventMetadata metadata, SourceProfileEntity source, PersonRecord person,
            Set<String> blockKeys, MatchBlocks.Found found, Map<MatchBlocks.BlockKey, List<UUID>> addedHere, Batch batch,
            Instant now, String sharedNote, TermFrequencies frequencies) {
        Map<UUID, BatchGuest> guests = batch.guests();
        Set<UUID> createdHere = batch.createdHere();
        Map<UUID, List<PersonRecord>> clusters = candidateClusters(source.tenant, blockKeys, found, addedHere, batch);
        ClusterScorer.Verdict<UUID> verdict = scorerFor(source.tenant).decide(person, clusters, frequencies);

        UUID guestId;
        List<ClusterScorer.Bridge<UUID>> joined = List.of();
        if (verdict.outcome() == ClusterScorer.Outcome.AUTO_MERGE) {
            guestId = verdict.cluster();
            if (!verdict.alsoMatching().isEmpty()) {
                joined = joinable(verdict.cluster(), verdict.alsoMatching(), clusters, frequencies, batch);
                if (!joined.isEmpty()) {
                    guestId = joinBridged(source, "the new source profile", verdict.cluster(), verdict.score(), joined,
                            clusters.keySet(), batch, metadata, now);
                }
            }
        } else {
            GuestEntity guest = createGuest(source.tenant, now);
            batch.newGuests().add(guest);
            guests.put(guest.id, new BatchGuest(guest.id, guest.tenant, guest.createdAt, guest));
            createdHere.add(guest.id);
            guestId = guest.id;
        }
        return record(eventId, source, guestId, verdict, joined, batch, now, sharedNote);
    }

    /**
     * The candidate guests of a profile through its blocking keys (stored within the cap, or added earlier in this
     * batch), locked by the batch, in creation order, each with its members' match features.
     */
    private static Map<UUID, List<PersonRecord>> candidateClusters(String tenant, Set<String> blockKeys,
            MatchBlocks.Found found, Map<MatchBlocks.BlockKey, List<UUID>> addedHere, Batch batch) {
        Map<UUID, UUID> guestOfSource = batch.guestOfSource();
        Map<UUID, BatchGuest> guests = batch.guests();
        int cap = ClusterScorer.Thresholds.STANDARD.blockCap();
        int budget = ClusterScorer.Thresholds.STANDARD.candidateBudget();
        Set<UUID> candidateGuests = new LinkedHashSet<>();
        java.util.function.Function<String, List<UUID>> membersOf = blockKey -> {
            MatchBlocks.BlockKey key = new MatchBlocks.BlockKey(tenant, blockKey);
            if (found.oversized().contains(key)) {
                return List.of();
            }
            List<UUID> stored = found.members().getOrDefault(key, List.of());
            List<UUID> here = addedHere.getOrDefault(key, List.of());
            if (here.isEmpty()) {
                return stored;
            }
            List<UUID> all = new ArrayList<>(stored);
            all.addAll(here);
            return all;
        };
        for (String blockKey : IncrementalLinker.usableBlocks(blockKeys, membersOf, cap, budget)) {
            MatchBlocks.BlockKey key = new MatchBlocks.BlockKey(tenant, blockKey);
            List<UUID> stored = found.members().getOrDefault(key, List.of());
            List<UUID> here = addedHere.getOrDefault(key, List.of());
            for (List<UUID> ids : List.of(stored, here)) {
                for (UUID id : ids) {
                    UUID guestId = guestOfSource.get(id);
                    if (guestId != null && guests.containsKey(guestId)) {
                        candidateGuests.add(guestId);
                    }
                }
            }
        }
        Map<UUID, List<PersonRecord>> clusters = new LinkedHashMap<>();
        candidateGuests.stream()
                .sorted(Comparator.comparing((UUID id) -> guests.get(id).createdAt()).thenComparing(id -> id))
                .forEach(id -> clusters.put(id, batch.membersOfGuest().getOrDefault(id, List.of()).stream()
                        .map(batch.persons()::get).filter(java.util.Objects::nonNull).toList()));
        return clusters;
    }

    /**
     * A changed source profile re-scored against the other guests its new state finds: when it auto-merges with one or
     * more of them and every pairwise check between them and its own guest holds ({@link #joinable}), they are joined
     * ({@link #joinBridged}; its own guest may be absorbed when another is older). Its own placement never changes.
     *
     * @return the guest that holds the profile afterwards
     */
    private UUID rejoinChanged(SourceProfileEntity source, PersonRecord person, Set<String> blockKeys,
            MatchBlocks.Found found, Map<MatchBlocks.BlockKey, List<UUID>> addedHere, Batch batch, EventMetadata metadata,
            Instant now, TermFrequencies frequencies) {
        UUID own = batch.guestOfSource().get(source.id);
        if (own == null || !batch.guests().containsKey(own)) {
            return own;
        }
        Map<UUID, List<PersonRecord>> candidates = candidateClusters(source.tenant, blockKeys, found, addedHere, batch);
        candidates.remove(own);
        if (candidates.isEmpty()) {
            return own;
        }
        ClusterScorer.Verdict<UUID> verdict = scorerFor(source.tenant).decide(person, candidates, frequencies);
        if (verdict.outcome() != ClusterScorer.Outcome.AUTO_MERGE) {
            return own;
        }
        List<ClusterScorer.Bridge<UUID>> qualifying = new ArrayList<>();
        qualifying.add(new ClusterScorer.Bridge<>(verdict.cluster(), verdict.score()));
        qualifying.addAll(verdict.alsoMatching());
        // Its own guest as it is now: the other members, and the profile's new state.
        List<PersonRecord> ownMembers = new ArrayList<>();
        batch.membersOfGuest().getOrDefault(own, List.of()).stream().filter(id -> !id.equals(source.id))
                .map(batch.persons()::get).filter(java.util.Objects::nonNull).forEach(ownMembers::add);
        MatchModel.Score ownScore = ownMembers.isEmpty() ? null
                : scorerFor(source.tenant).decide(person, Map.of(own, ownMembers), frequencies).score();
        if (ownScore == null) {
            ownScore = new MatchModel.Score(0, List.of(), null);
        }
        ownMembers.add(person);
        Map<UUID, List<PersonRecord>> all = new LinkedHashMap<>(candidates);
        all.put(own, ownMembers);
        List<ClusterScorer.Bridge<UUID>> joined = joinable(own, qualifying, all, frequencies, batch);
        if (joined.isEmpty()) {
            return own;
        }
        Set<UUID> order = new LinkedHashSet<>();
        all.keySet().stream().sorted(Comparator.comparing((UUID id) -> batch.guests().get(id).createdAt())
                .thenComparing(id -> id)).forEach(order::add);
        return joinBridged(source, "the changed source profile", own, ownScore, joined, order, batch, metadata, now);
    }

    /** Records where a new source profile went and why (the decision keeps its evidence and the model version). */
    private UUID record(UUID eventId, SourceProfileEntity source, UUID guestId, ClusterScorer.Verdict<UUID> verdict,
            List<ClusterScorer.Bridge<UUID>> joined, Batch batch, Instant now, String sharedNote) {

        GuestSourceProfileEntity link = new GuestSourceProfileEntity();
        link.sourceProfileId = source.id;
        link.guestId = guestId;
        link.linkedAt = now;
        batch.linksHere().put(source.id, link);

        MatchDecisionEntity record = new MatchDecisionEntity();
        record.guestId = guestId;
        record.tenant = source.tenant;
        record.sourceProfileId = source.id;
        record.decidedBy = "AUTOMATIC";
        record.createdAt = now;
        record.modelVersion = scorerFor(source.tenant).model().version();
        switch (verdict.outcome()) {
            case AUTO_MERGE -> {
                record.rule = RULE_MATCH;
                record.explanation = "joined the closest guest: " + verdict.score().explain();
                if (!joined.isEmpty()) {
                    record.explanation = record.explanation + "; it also matches " + joined.size()
                            + " other guest(s), all joined into guest " + guestId + " (rule " + RULE_JOINED + ")";
                }
            }
            case REVIEW -> {
                record.rule = RULE_REVIEW;
                record.status = MatchDecisionEntity.STATUS_PENDING;
                record.candidateGuestId = verdict.cluster();
                record.explanation = "a new guest; close to another guest, to review: " + verdict.score().explain();
            }
            case NO_LINK -> {
                record.rule = RULE_NO_MATCH;
                record.explanation = verdict.score() == null ? "no candidate shares a blocking key"
                        : "a new guest; the closest candidate: " + verdict.score().explain();
            }
        }
        if (sharedNote != null) {
            record.explanation = record.explanation + "; " + sharedNote;
        }
        if (verdict.score() != null) {
            record.score = verdict.score().weight();
            record.evidence = verdict.score().evidence().stream()
                    .map(e -> new MatchDecisionEntity.StoredEvidence(e.field(), e.level(), e.weight())).toList();
        }
        batch.decisionsHere().add(record);
        Counter.builder("guestcrm.profile.match.decisions").tag("rule", record.rule)
                .description("Source profiles put in a guest, by the rule that decided").register(meters).increment();
        LOG.debugf("Event %s: source profile %s put in guest %s by rule %s.", eventId, source.id, guestId, record.rule);
        return guestId;
    }

    /**
     * What the batch holds while it walks its records: memberships (the locked guests' whole clusters, plus the batch's
     * own), the locked guests, the guests it created or touched, the source profiles it holds, and the links and
     * decisions it created (not flushed yet, so no query finds them).
     */
    private record Batch(Map<UUID, UUID> guestOfSource, Map<UUID, List<UUID>> membersOfGuest,
            Map<UUID, List<GuestRecomposer.Member>> membership, Map<UUID, PersonRecord> persons,
            Map<UUID, BatchGuest> guests, Set<UUID> createdHere, Map<UUID, EventMetadata> touched,
            Map<UUID, SourceProfileEntity> known, Map<UUID, GuestSourceProfileEntity> linksHere,
            List<MatchDecisionEntity> decisionsHere, Joined joined, List<GuestEntity> newGuests) {
    }

    /** A guest the batch holds locked (or created): what the matcher needs; the entity only when the batch created it. */
    private record BatchGuest(UUID id, String tenant, Instant createdAt, GuestEntity created) {
    }

    /** A GuestMerged the batch writes at its end (the moved profiles' refs are read with the recomposer's profiles). */
    private record MergeToPublish(UUID survivor, String tenant, List<UUID> absorbed, List<UUID> moved, double weakest,
            String explanation, EventMetadata metadata) {
    }

    /**
     * The joins of a batch: applied in memory as they are decided (memberships, the batch's own links and decisions),
     * their stored side written at the end in a few statements ({@link GuestJoins#write}) whatever their number.
     */
    private static final class Joined {
        /** Each absorbed guest and the guest it went into (which may be absorbed later in the batch). */
        final Map<UUID, UUID> absorbedInto = new LinkedHashMap<>();
        final Set<UUID> storedAbsorbed = new LinkedHashSet<>();
        final Map<UUID, GuestEntity> createdAbsorbed = new LinkedHashMap<>();
        /** Stored links moved: source profile to the guest it went into. */
        final Map<UUID, UUID> storedLinkMoves = new LinkedHashMap<>();
        final List<MergeToPublish> merges = new ArrayList<>();
        /** The stored members of the locked guests: the never-merge pairs among them are read at the first join. */
        final Set<UUID> storedMembers = new HashSet<>();
        Set<String> exclusions;

        UUID finalOf(UUID guestId) {
            UUID id = guestId;
            while (absorbedInto.containsKey(id)) {
                id = absorbedInto.get(id);
            }
            return id;
        }
    }

    /**
     * The other guests a newcomer bridges that may join its best guest ({@link ClusterScorer#joinable}): never across
     * tenants, never across a reviewer's keep-apart or split (the never-merge pairs between their profiles: one query,
     * only when there is a bridge), never across a hard conflict, a veto or two birth dates between their profiles.
     */
    private List<ClusterScorer.Bridge<UUID>> joinable(UUID target, List<ClusterScorer.Bridge<UUID>> others,
            Map<UUID, List<PersonRecord>> clusters, TermFrequencies frequencies, Batch batch) {
        ClusterScorer tenantScorer = scorerFor(batch.guests().get(target).tenant());
        // The pairwise checks first (no statement): the never-merge pairs are read only when a join is still possible,
        // once per batch (those among every stored member of the locked guests; the batch's new profiles have none).
        List<ClusterScorer.Bridge<UUID>> possible = tenantScorer.joinable(target, others, clusters, frequencies,
                (a, b) -> batch.guests().get(a).tenant().equals(batch.guests().get(b).tenant()) ? null : "another tenant");
        if (possible.isEmpty()) {
            return possible;
        }
        if (batch.joined().exclusions == null) {
            batch.joined().exclusions = joins.exclusionsAmong(batch.joined().storedMembers);
        }
        Set<String> excluded = batch.joined().exclusions;
        ClusterScorer.Apart<UUID> apart = (a, b) -> {
            if (!batch.guests().get(a).tenant().equals(batch.guests().get(b).tenant())) {
                return "another tenant";
            }
            for (UUID x : batch.membersOfGuest().getOrDefault(a, List.of())) {
                for (UUID y : batch.membersOfGuest().getOrDefault(b, List.of())) {
                    if (excluded.contains(x + "|" + y)) {
                        return "a reviewer kept them apart";
                    }
                }
            }
            return null;
        };
        return tenantScorer.joinable(target, possible, clusters, frequencies, apart);
    }

    /**
     * Joins the guests a newcomer bridges: the oldest survives (creation order of the candidates), the others' source
     * profiles move to it (their links, the batch's own or stored), each with a decision ({@link #RULE_JOINED}: the
     * guest it came from, the newcomer's score against that guest and its evidence); the absorbed guests become aliases
     * of the survivor (their own aliases too), lose their contact points and are no longer recomposed; pending review
     * items naming them name the survivor. GuestMerged (decided automatically, with the score and explanation) and a
     * tombstone per absorbed guest go to the outbox ({@link GuestMerges#publishAutomaticMerge}); the survivor's
     * GuestUpdated follows at the batch's recomposition. Reversible: {@link GuestMerges#unmerge}.
     *
     * @param order the candidates in creation order
     * @return the survivor
     */
    private UUID joinBridged(SourceProfileEntity newcomer, String which, UUID target, MatchModel.Score targetScore,
            List<ClusterScorer.Bridge<UUID>> joined, Set<UUID> order, Batch batch, EventMetadata metadata, Instant now) {
        Map<UUID, MatchModel.Score> scoreOf = new LinkedHashMap<>();
        scoreOf.put(target, targetScore);
        joined.forEach(b -> scoreOf.put(b.cluster(), b.score()));
        // The birth-date evidence of each joined guest's check against the target (the target's own profiles, when it
        // is absorbed, were checked against the first joined guest).
        Map<UUID, String> birthDatesOf = new HashMap<>();
        joined.forEach(b -> birthDatesOf.put(b.cluster(), b.birthDates()));
        birthDatesOf.putIfAbsent(target, joined.isEmpty() ? null : joined.get(0).birthDates());
        UUID survivorId = order.stream().filter(scoreOf::containsKey).findFirst().orElse(target);
        BatchGuest survivor = batch.guests().get(survivorId);
        List<UUID> absorbed = scoreOf.keySet().stream().filter(id -> !id.equals(survivorId)).toList();

        Map<UUID, UUID> originOf = new LinkedHashMap<>();
        for (UUID guestId : absorbed) {
            batch.membersOfGuest().getOrDefault(guestId, List.of()).forEach(id -> originOf.put(id, guestId));
        }
        // The batch's own links move in memory; the stored ones are written at the end of the batch (GuestJoins.write).
        for (Map.Entry<UUID, UUID> moved : originOf.entrySet()) {
            GuestSourceProfileEntity link = batch.linksHere().get(moved.getKey());
            if (link != null) {
                link.guestId = survivorId;
                link.linkedAt = now;
            } else {
                batch.joined().storedLinkMoves.put(moved.getKey(), survivorId);
            }
            batch.guestOfSource().put(moved.getKey(), survivorId);
            MatchModel.Score score = scoreOf.get(moved.getValue());
            MatchDecisionEntity d = new MatchDecisionEntity();
            d.guestId = survivorId;
            d.tenant = survivor.tenant();
            d.sourceProfileId = moved.getKey();
            d.candidateGuestId = moved.getValue();
            d.decidedBy = "AUTOMATIC";
            d.createdAt = now;
            d.decidedAt = now;
            d.modelVersion = scorerFor(survivor.tenant()).model().version();
            d.rule = RULE_JOINED;
            d.score = score.weight();
            d.evidence = score.evidence().stream()
                    .map(e -> new MatchDecisionEntity.StoredEvidence(e.field(), e.level(), e.weight())).toList();
            d.explanation = "guest " + moved.getValue() + " joined into guest " + survivorId + ": " + which + " "
                    + newcomer.id + " matches both (" + (score.evidence().isEmpty() ? "it was in this guest"
                            : "against this guest " + score.explain()) + "); no never-merge "
                    + "decision, hard conflict or veto between the two guests' profiles; birth dates: "
                    + java.util.Objects.requireNonNullElse(birthDatesOf.get(moved.getValue()), "not compared");
            batch.decisionsHere().add(d);
        }
        for (UUID guestId : absorbed) {
            List<UUID> members = batch.membersOfGuest().remove(guestId);
            List<UUID> movedIds = members == null ? List.of() : members;
            batch.membersOfGuest().computeIfAbsent(survivorId, k -> new ArrayList<>()).addAll(movedIds);
            batch.membership().remove(guestId);
            List<GuestRecomposer.Member> into = batch.membership().computeIfAbsent(survivorId, k -> new ArrayList<>());
            movedIds.forEach(id -> into.add(new GuestRecomposer.Member(id, now)));
            BatchGuest gone = batch.guests().remove(guestId);
            // Aliases, contact points and stored review items of the absorbed guest: written at the end of the batch.
            batch.joined().absorbedInto.put(guestId, survivorId);
            if (gone.created() != null) {
                batch.joined().createdAbsorbed.put(guestId, gone.created());
            } else {
                batch.joined().storedAbsorbed.add(guestId);
            }
            batch.touched().remove(guestId);
        }
        for (MatchDecisionEntity item : batch.decisionsHere()) {
            if (!MatchDecisionEntity.STATUS_PENDING.equals(item.status)) {
                continue;
            }
            if (absorbed.contains(item.guestId)) {
                item.guestId = survivorId;
            }
            if (item.candidateGuestId != null && absorbed.contains(item.candidateGuestId)) {
                item.candidateGuestId = survivorId;
            }
            if (item.guestId.equals(item.candidateGuestId)) {
                item.status = MatchDecisionEntity.STATUS_MERGED;
                item.decidedAt = now;
                item.reviewer = "AUTOMATIC";
            }
        }
        double weakest = scoreOf.values().stream().filter(sc -> !sc.evidence().isEmpty())
                .mapToDouble(MatchModel.Score::weight).min().orElse(0);
        String explanation = which + " " + newcomer.id + " matches " + scoreOf.size() + " guests, each at "
                + String.format(java.util.Locale.ROOT, "%.1f", weakest) + " bits or more, with no never-merge decision, "
                + "hard conflict, veto or second birth date between them (birth dates: "
                + joined.stream().map(ClusterScorer.Bridge::birthDates).filter(java.util.Objects::nonNull).distinct()
                        .collect(java.util.stream.Collectors.joining("; ")) + ")";
        batch.joined().merges.add(new MergeToPublish(survivorId, survivor.tenant(), absorbed,
                List.copyOf(originOf.keySet()), weakest, explanation, metadata));
        Counter.builder("guestcrm.profile.guests.joined").description("Guests joined because a new profile bridged them")
                .register(meters).increment(absorbed.size());
        LOG.infof("Guest(s) %s joined into guest %s: %s %s matches them all (%d source profile(s) moved).",
                absorbed, survivorId, which, newcomer.id, originOf.size());
        return survivorId;
    }

    /** A source profile moved into another guest because a newcomer bridged the two guests. */
    public static final String RULE_JOINED = "FS_JOINED";

    public static final String RULE_MATCH = "FS_MATCH";
    public static final String RULE_REVIEW = "FS_REVIEW";
    public static final String RULE_NO_MATCH = "NO_MATCH";

    private static GuestEntity createGuest(String tenant, Instant now) {
        GuestEntity guest = new GuestEntity();
        guest.id = UUID.randomUUID();
        guest.tenant = tenant;
        guest.version = 0;
        guest.createdAt = now;
        guest.updatedAt = now;
        return guest;
    }

}
