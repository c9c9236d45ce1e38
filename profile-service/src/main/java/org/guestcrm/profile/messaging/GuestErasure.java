package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.ErasureMarkers;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * GDPR erasure of one guest, in one transaction: hashed suppression markers for its PMS profiles and contact points
 * ({@link ErasureMarkers}); its source profiles, their blocking keys, stays, match decisions, never-merge pairs, contact
 * points and links deleted; its unsent and sent GuestUpdated rows deleted from the outbox; the guest row kept as an
 * empty shell ({@code erased_at}, so the id and its aliases answer 404, never another guest). crm.guests gets a last
 * GuestUpdated without any personal data, then a tombstone (null value) for the guest and each alias.
 */
@ApplicationScoped
public class GuestErasure {

    private static final Logger LOG = Logger.getLogger(GuestErasure.class);

    @Inject
    EntityManager entityManager;
    @Inject
    ErasureMarkers markers;
    @Inject
    Outbox outbox;
    @Inject
    ProfileConfig config;
    @Inject
    org.guestcrm.profile.persistence.MatchTermFrequencies termFrequencies;

    /** What an erasure removed (counts only). */
    public record Result(UUID guestId, UUID requestId, Instant erasedAt, int sourceProfiles, int contactPoints,
                         int stays, int markers) {
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Result erase(UUID guestId, String actor) {
        return erase(guestId, actor, UUID.randomUUID());
    }

    /** @param requestId the erasure request's id (kept with the markers, the events' correlation id) */
    @Transactional(Transactional.TxType.MANDATORY)
    public Result erase(UUID guestId, String actor, UUID requestId) {
        Instant now = Instant.now();
        GuestEntity guest = GuestEntity.lockAll(List.of(guestId)).get(guestId);
        List<UUID> aliases = GuestEntity.<GuestEntity>list("mergedInto", guestId).stream().map(g -> g.id).toList();
        List<UUID> sourceIds = GuestSourceProfileEntity.listByGuests(List.of(guestId)).stream()
                .map(l -> l.sourceProfileId).toList();
        List<SourceProfileEntity> sources = sourceIds.isEmpty() ? List.of()
                : SourceProfileEntity.<SourceProfileEntity>list("id in ?1", sourceIds);
        List<GuestContactPointEntity> points = GuestContactPointEntity.listByGuests(List.of(guestId));

        List<ErasureMarkers.Marker> toKeep = new ArrayList<>();
        sources.forEach(s -> toKeep.add(ErasureMarkers.of(GuestMapper.keyOf(s))));
        points.stream().map(p -> new ErasureMarkers.Marker(guest.tenant, p.kind.name(),
                ContactPointRef.of(guest.tenant, p.kind.name(), p.value))).distinct().forEach(toKeep::add);
        markers.add(toKeep, requestId, now);

        // The erased profiles' names and cities are no longer counted in the tenant's term frequencies.
        if (!sources.isEmpty()) {
            Map<String, java.util.List<org.guestcrm.profile.domain.matching.PersonRecord>> none = Map.of(guest.tenant, List.of());
            org.guestcrm.profile.domain.matching.TermFrequencies counts = termFrequencies.load(none).get(guest.tenant);
            sources.forEach(s -> counts.remove(GuestMapper.personOf(s)));
            termFrequencies.save(Map.of(guest.tenant, counts));
            termFrequencies.forgetUncounted(guest.tenant);
        }
        entityManager.flush();
        int stays = 0;
        for (SourceProfileEntity s : sources) {
            stays += entityManager.createNativeQuery(
                    "delete from stay where tenant = ?1 and pms_system = ?2 and pms_profile_id = ?3")
                    .setParameter(1, s.tenant).setParameter(2, s.pmsSystem).setParameter(3, s.pmsProfileId).executeUpdate();
        }
        List<UUID> guests = new ArrayList<>(aliases);
        guests.add(guestId);
        int contactPoints = native_("delete from guest_contact_point where guest_id = any(?1)", guests);
        if (!sourceIds.isEmpty()) {
            native_("delete from source_profile_block where source_profile_id = any(?1)", sourceIds);
            native_("delete from match_exclusion where source_profile_id = any(?1) or other_source_profile_id = any(?1)", sourceIds);
            native_("delete from match_decision where source_profile_id = any(?1)", sourceIds);
        }
        // Review items of other guests that name this one as the candidate: the candidate is gone.
        native_("delete from match_decision where guest_id = any(?1) or candidate_guest_id = any(?1)", guests);
        native_("delete from guest_source_profile where guest_id = any(?1)", guests);
        if (!sourceIds.isEmpty()) {
            native_("delete from source_profile where id = any(?1)", sourceIds);
        }
        entityManager.createNativeQuery("delete from outbox_event where event_type = 'GuestUpdated' and record_key = any(?1)")
                .setParameter(1, guests.stream().map(UUID::toString).toArray(String[]::new)).executeUpdate();
        entityManager.createNativeQuery("""
                update guest set title = null, first_name = null, last_name = null, birth_date = null, language = null,
                    nationality = null, company_name = null, field_sources = null, preferences = null, published_fingerprint = null,
                    qualification_tier = null, qualification_reason = null,
                    erased_at = ?2, updated_at = ?2, version = version + 1
                where id = any(?1)""").setParameter(1, guests.toArray(UUID[]::new)).setParameter(2, now).executeUpdate();
        entityManager.clear();

        GuestEntity erased = GuestEntity.findById(guestId);
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID()).setEventType(GuestUpdated.class.getSimpleName()).setOccurredAt(now)
                .setSource(config.serviceName()).setTenantId(erased.tenant).setCorrelationId(requestId.toString())
                .setCausationId(requestId.toString()).setSchemaVersion(1).build();
        // A last GuestUpdated without any personal data (consumers on the platform's intake skip a tombstone, so this is
        // how they learn of the erasure), then a tombstone for the guest and each of its aliases: once crm.guests is
        // compacted, no earlier value of these keys is left.
        outbox.add(Topic.CRM_GUESTS, guestId.toString(), GuestUpdated.newBuilder()
                .setMetadata(metadata).setGuestId(guestId.toString()).setVersion(erased.version).build());
        for (UUID id : guests) {
            outbox.addTombstone(Topic.CRM_GUESTS, id.toString(), UUID.randomUUID(), requestId.toString());
        }
        LOG.infof("Guest %s of tenant %s erased by %s (request %s): %d source profile(s), %d contact point row(s), %d stay(s), "
                + "%d alias(es); %d suppression marker(s) kept.", guestId, erased.tenant, actor, requestId, sources.size(),
                contactPoints, stays, aliases.size(), toKeep.size());
        return new Result(guestId, requestId, now, sources.size(), contactPoints, stays, toKeep.size());
    }

    private int native_(String sql, List<UUID> ids) {
        return entityManager.createNativeQuery(sql).setParameter(1, ids.toArray(UUID[]::new)).executeUpdate();
    }
}
