package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.GoldenRecord;
import org.guestcrm.profile.domain.GoldenRecordComposer;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.SharedContactPoints;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.profile.persistence.StayEntity;
import org.guestcrm.profile.domain.StaySummary;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Recomposes guests (their rows held locked by the caller) from all their source profiles, updates their contact
 * points by difference, bumps their versions and writes one GuestUpdated each to the outbox: the intake's batches and
 * the reviewers' merges and splits alike.
 */
@ApplicationScoped
public class GuestRecomposer {

    /** What caused a recomposition: correlation and causation ids of the GuestUpdated written. */
    public record Cause(String correlationId, String causationId, boolean history) {
        public Cause(String correlationId, String causationId) {
            this(correlationId, causationId, false);
        }

        /** A change from a history import stays history (metadata.history) on the GuestUpdated it causes. */
        public static Cause of(EventMetadata event) {
            return new Cause(event.getCorrelationId() != null ? event.getCorrelationId() : event.getEventId().toString(),
                    event.getEventId().toString(), event.getHistory());
        }
    }

    private final GoldenRecordComposer composer = new GoldenRecordComposer();

    @Inject
    ProfileConfig config;
    @Inject
    Outbox outbox;
    @Inject
    SharedContactPoints shared;
    @Inject
    jakarta.persistence.EntityManager entityManager;
    @Inject
    org.guestcrm.profile.persistence.TenantTierRules tierRules;

    private final io.micrometer.core.instrument.Counter unchanged;

    @Inject
    GuestRecomposer(io.micrometer.core.instrument.MeterRegistry meters) {
        unchanged = io.micrometer.core.instrument.Counter.builder("guestcrm.profile.guest.updates.unchanged")
                .description("Recompositions that changed nothing a GuestUpdated shows, so none was published")
                .register(meters);
    }

    /** A source profile of a guest, and when it was linked to it (members are composed in link order). */
    public record Member(UUID sourceProfileId, Instant linkedAt) {
    }

    /**
     * Recomposes each touched guest (held locked) once, from all its source profiles, and writes GuestUpdated. Flushes
     * the caller's pending changes first, then reads the guests' links (one query).
     */
    public void recompose(Map<UUID, Cause> touched, Map<UUID, GuestEntity> guests, Instant now) {
        if (touched.isEmpty()) {
            return;
        }
        entityManager.flush();
        Map<UUID, List<Member>> members = new HashMap<>();
        withoutAutoFlush(() -> GuestSourceProfileEntity.listByGuests(touched.keySet()).forEach(link -> members
                .computeIfAbsent(link.guestId, k -> new ArrayList<>()).add(new Member(link.sourceProfileId, link.linkedAt))));
        recompose(touched, guests, members, Map.of(), Set.of(), null, now);
    }

    /**
     * The intake's recomposition: the caller knows each touched guest's members (with links it has not flushed yet),
     * holds some of their source profiles already ({@code known}: the batch's stored and new ones), and which guests it
     * created (they have no stored contact points). Reads the other members' source profiles (one query, read-only),
     * the stored guests' contact points (one), the demoted contact points (one) and the stays (one); no query per guest
     * or record, and nothing is flushed before the caller's own flush.
     *
     * @param newPoints when not null, the new contact-point rows are added to it (the caller inserts them, the intake
     *                  with one JDBC statement) instead of being persisted
     */
    public void recompose(Map<UUID, Cause> touched, Map<UUID, GuestEntity> guests, Map<UUID, List<Member>> members,
            Map<UUID, SourceProfileEntity> known, Set<UUID> created, List<GuestContactPointEntity> newPoints,
            Instant now) {
        if (touched.isEmpty()) {
            return;
        }
        Map<UUID, List<UUID>> sourcesByGuest = new HashMap<>();
        Set<UUID> missing = new java.util.HashSet<>();
        for (UUID guestId : touched.keySet()) {
            List<UUID> ids = members.getOrDefault(guestId, List.of()).stream()
                    .sorted(Comparator.comparing(Member::linkedAt).thenComparing(Member::sourceProfileId))
                    .map(Member::sourceProfileId).toList();
            sourcesByGuest.put(guestId, ids);
            ids.stream().filter(id -> !known.containsKey(id)).forEach(missing::add);
        }
        Map<UUID, SourceProfileEntity> sources = new HashMap<>(known);
        Map<UUID, List<GuestContactPointEntity>> rowsByGuest = new HashMap<>();
        List<UUID> stored = touched.keySet().stream().filter(id -> !created.contains(id)).toList();
        withoutAutoFlush(() -> {
            if (!missing.isEmpty()) {
                entityManager.createQuery("select s from SourceProfileEntity s where s.id in :ids", SourceProfileEntity.class)
                        .setParameter("ids", missing)
                        .setHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true)
                        .getResultList().forEach(s -> sources.put(s.id, s));
            }
            GuestContactPointEntity.listByGuests(stored)
                    .forEach(row -> rowsByGuest.computeIfAbsent(row.guestId, k -> new ArrayList<>()).add(row));
        });
        List<SourceProfileEntity> involved = new ArrayList<>();
        sourcesByGuest.values().forEach(ids -> ids.forEach(id -> {
            SourceProfileEntity s = sources.get(id);
            if (s != null) {
                involved.add(s);
            }
        }));

        java.time.LocalDate today = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC);
        Set<SharedContactPoints.Key> demoted = shared.demoted(matchKeysOf(involved));
        Map<SourceProfileKey, List<StayEntity>> stays = new HashMap<>();
        withoutAutoFlush(() -> stays.putAll(StayEntity.ofProfiles(involved.stream().map(GuestMapper::keyOf).toList())));
        for (Map.Entry<UUID, Cause> entry : touched.entrySet()) {
            GuestEntity guest = guests.get(entry.getKey());
            org.guestcrm.profile.domain.ContactDemotions demotions = (kind, value) -> !demoted.isEmpty()
                    && demoted.contains(new SharedContactPoints.Key(guest.tenant,
                            (kind == org.guestcrm.platform.domain.ContactKind.EMAIL ? "e:" : "p:") + value));
            List<SourceProfileEntity> guestSources = sourcesByGuest.get(guest.id).stream()
                    .map(sources::get).filter(java.util.Objects::nonNull).toList();
            Map<SourceProfileKey, UUID> idsByKey = new HashMap<>();
            guestSources.forEach(s -> idsByKey.put(GuestMapper.keyOf(s), s.id));
            GoldenRecord record = composer.compose(guestSources.stream().map(s -> GuestMapper.toSnapshot(s, config)).toList(),
                    demotions, today);
            GuestMapper.copyInto(record, guest);
            List<GuestContactPointEntity> rows = replaceContactPoints(
                    rowsByGuest.getOrDefault(guest.id, List.of()), GuestMapper.contactPointRows(guest, record, idsByKey),
                    newPoints);
            StaySummary staySummary = GuestMapper.staySummary(guestSources.stream()
                    .flatMap(s -> stays.getOrDefault(GuestMapper.keyOf(s), List.of()).stream()).toList());
            org.guestcrm.profile.domain.TierRules.Qualification qualification = tierRules.rulesFor(guest.tenant)
                    .qualify(staySummary);
            guest.qualificationTier = qualification.tier().name();
            guest.qualificationReason = qualification.reason();
            publishIfVisiblyChanged(guest, rows, guestSources, staySummary, entry.getValue(), now);
        }
    }

    /**
     * Runs reads that need no flush first (the caller's pending changes touch none of the rows read, or were flushed):
     * Hibernate's automatic flush before a query would dirty-check every entity of the batch for each query.
     */
    private void withoutAutoFlush(Runnable reads) {
        org.hibernate.Session session = entityManager.unwrap(org.hibernate.Session.class);
        org.hibernate.FlushMode mode = session.getHibernateFlushMode();
        session.setHibernateFlushMode(org.hibernate.FlushMode.COMMIT);
        try {
            reads.run();
        } finally {
            session.setHibernateFlushMode(mode);
        }
    }

    /**
     * Writes a GuestUpdated (version + 1) only when what it shows differs from what crm.guests last carried for the
     * guest ({@link GuestMapper#visibleFingerprint}); a recomposition that changes nothing visible publishes nothing
     * and keeps the version.
     */
    private void publishIfVisiblyChanged(GuestEntity guest, List<GuestContactPointEntity> rows,
            List<SourceProfileEntity> sources, StaySummary stays, Cause cause, Instant now) {
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(GuestUpdated.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(config.serviceName())
                .setTenantId(guest.tenant)
                .setCorrelationId(cause.correlationId())
                .setCausationId(cause.causationId())
                .setSchemaVersion(1)
                .setHistory(cause.history())
                .build();
        GuestUpdated updated = GuestMapper.toGuestUpdated(guest, rows, sources, stays, metadata,
                config.guestUpdates().maxSourceRefs(), config.guestUpdates().maxContactPoints());
        String fingerprint = GuestMapper.visibleFingerprint(updated);
        if (fingerprint.equals(guest.publishedFingerprint)) {
            unchanged.increment();
            return;
        }
        guest.version = guest.version + 1;
        guest.updatedAt = now;
        guest.publishedFingerprint = fingerprint;
        outbox.add(Topic.CRM_GUESTS, guest.id.toString(), GuestUpdated.newBuilder(updated).setVersion(guest.version).build());
    }

    /** The match keys of every contact point these profiles hold (e-mails normalised, phones E.164 in their regions). */
    private Set<SharedContactPoints.Key> matchKeysOf(java.util.Collection<SourceProfileEntity> sources) {
        Set<SharedContactPoints.Key> keys = new java.util.HashSet<>();
        for (SourceProfileEntity source : sources) {
            source.emails.forEach(e -> org.guestcrm.platform.domain.ContactPointNormaliser.email(e.value())
                    .ifPresent(v -> keys.add(new SharedContactPoints.Key(source.tenant, "e:" + v))));
            List<String> regions = new ArrayList<>();
            regions.add(null);
            regions.addAll(config.phoneRegions(source.tenant, source.hotelCode, source.countryCode, source.nationality));
            source.phones.forEach(p -> regions.stream()
                    .map(region -> org.guestcrm.platform.domain.ContactPointNormaliser.e164(p.value(), region))
                    .flatMap(java.util.Optional::stream).findFirst()
                    .ifPresent(v -> keys.add(new SharedContactPoints.Key(source.tenant, "p:" + v))));
        }
        return keys;
    }

    /**
     * Brings the stored contact-point rows to the wanted ones by difference: a row of the same value and source is
     * updated in place, a new one inserted, one no longer wanted deleted (never a delete and insert of the same row).
     */
    private static List<GuestContactPointEntity> replaceContactPoints(List<GuestContactPointEntity> stored,
            List<GuestContactPointEntity> wanted, List<GuestContactPointEntity> newPoints) {
        Map<String, GuestContactPointEntity> byIdentity = new HashMap<>();
        stored.forEach(row -> byIdentity.put(identity(row), row));
        List<GuestContactPointEntity> result = new ArrayList<>(wanted.size());
        for (GuestContactPointEntity row : wanted) {
            GuestContactPointEntity existing = byIdentity.remove(identity(row));
            if (existing == null) {
                if (newPoints == null) {
                    row.persist();
                } else {
                    newPoints.add(row);
                }
                result.add(row);
            } else {
                existing.type = row.type;
                existing.primary = row.primary;
                existing.lastSeenAt = row.lastSeenAt;
                existing.sourceTrust = row.sourceTrust;
                existing.notForMarketing = row.notForMarketing;
                result.add(existing);
            }
        }
        byIdentity.values().forEach(GuestContactPointEntity::delete);
        result.sort(Comparator.comparing((GuestContactPointEntity r) -> r.kind).thenComparing(r -> !r.primary)
                .thenComparing(r -> r.value));
        return result;
    }

    private static String identity(GuestContactPointEntity row) {
        return row.kind + "|" + row.value + "|" + row.sourceProfileId;
    }
}
