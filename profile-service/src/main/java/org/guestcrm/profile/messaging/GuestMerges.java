package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.MergeDecision;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.MatchExclusionEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reviewers' decisions, each in the caller's transaction with the guests locked ({@code for update}, id order):
 * merge two guests (the survivor keeps its id, the other stays as an alias of it), split a source profile out of a
 * guest into a new one (remembering "never merge these"), decide a pending review item. Both guests are recomposed
 * and GuestMerged / GuestSplit written to crm.guest-merges with GuestUpdated on crm.guests, all through the outbox; a
 * merged-away guest's key on crm.guests gets a tombstone after its GuestMerged.
 * The model places new source profiles; it joins two guests only when a newcomer bridges them and no never-merge
 * decision stands between them (the intake's {@link #publishAutomaticMerge}), so no manual decision is undone by it;
 * {@link #unmerge} reverses a merge, automatic or manual.
 */
@ApplicationScoped
public class GuestMerges {

    private static final Logger LOG = Logger.getLogger(GuestMerges.class);

    /** Why a request cannot be carried out (the API answers 409 with this sentence). */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    @Inject
    GuestRecomposer recomposer;
    @Inject
    Outbox outbox;
    @Inject
    ProfileConfig config;

    /** The guest an id names now: itself, or the survivor it was merged into (aliases are kept flat). */
    public static Optional<GuestEntity> resolve(UUID guestId) {
        GuestEntity guest = GuestEntity.findById(guestId);
        if (guest != null && guest.mergedInto != null) {
            return Optional.ofNullable(GuestEntity.findById(guest.mergedInto));
        }
        return Optional.ofNullable(guest);
    }

    /** Merges {@code mergedId} into {@code survivorId}; returns the survivor. */
    public GuestEntity merge(UUID survivorId, UUID mergedId, String reviewer, String reason) {
        Instant now = Instant.now();
        Map<UUID, GuestEntity> locked = GuestEntity.lockAll(List.of(survivorId, mergedId));
        GuestEntity survivor = locked.get(survivorId);
        GuestEntity merged = locked.get(mergedId);
        if (survivor.id.equals(merged.id)) {
            throw new Conflict("A guest cannot be merged with itself.");
        }
        if (survivor.mergedInto != null || merged.mergedInto != null) {
            throw new Conflict("One of the guests was merged into another already.");
        }
        List<GuestSourceProfileEntity> moved = GuestSourceProfileEntity.listByGuest(merged.id);
        List<UUID> movedIds = moved.stream().map(l -> l.sourceProfileId).toList();
        List<UUID> survivorIds = GuestSourceProfileEntity.listByGuest(survivor.id).stream().map(l -> l.sourceProfileId).toList();
        MatchExclusionEntity.forgetAll(movedIds, survivorIds); // the latest manual decision wins
        moved.forEach(link -> {
            link.guestId = survivor.id;
            link.linkedAt = now;
        });
        GuestContactPointEntity.listByGuest(merged.id).forEach(GuestContactPointEntity::delete);
        merged.mergedInto = survivor.id;
        merged.updatedAt = now;
        GuestEntity.<GuestEntity>list("mergedInto", merged.id).forEach(alias -> alias.mergedInto = survivor.id);
        for (UUID sourceId : movedIds) {
            decision(survivor, sourceId, RULE_MANUAL_MERGE, "merged by a reviewer from guest " + merged.id
                    + reasonText(reason), reviewer, now, merged.id);
        }
        for (MatchDecisionEntity pending : MatchDecisionEntity.<MatchDecisionEntity>list(
                "status = ?1 and (guestId = ?2 or candidateGuestId = ?2)", MatchDecisionEntity.STATUS_PENDING, merged.id)) {
            if (pending.guestId.equals(merged.id)) {
                pending.guestId = survivor.id;
            }
            if (merged.id.equals(pending.candidateGuestId)) {
                pending.candidateGuestId = survivor.id;
            }
            if (pending.guestId.equals(pending.candidateGuestId)) {
                settle(pending, MatchDecisionEntity.STATUS_MERGED, reviewer, now);
            }
        }
        Map<UUID, SourceProfileEntity> sources = sources(movedIds);
        UUID actionId = UUID.randomUUID();
        GuestRecomposer.Cause cause = new GuestRecomposer.Cause(actionId.toString(), actionId.toString());
        recomposer.recompose(Map.of(survivor.id, cause), Map.of(survivor.id, survivor), now);
        outbox.add(Topic.CRM_GUEST_MERGES, survivor.id.toString(), GuestMerged.newBuilder()
                .setMetadata(metadata(GuestMerged.class.getSimpleName(), survivor.tenant, actionId, now))
                .setSurvivingGuestId(survivor.id.toString())
                .setMergedGuestIds(List.of(merged.id.toString()))
                .setMovedSourceProfiles(movedIds.stream().map(sources::get).map(GuestMerges::ref).toList())
                .setDecidedBy(MergeDecision.REVIEWER)
                .setExplanation("merged by a reviewer")
                .build());
        // After GuestMerged (consumers re-key on crm.guest-merges): the absorbed guest's key on the compacted crm.guests
        // gets a tombstone, so compaction forgets its last golden record (the survivor's record carries its profiles).
        outbox.addTombstone(Topic.CRM_GUESTS, merged.id.toString(), UUID.randomUUID(), actionId.toString());
        LOG.infof("Guest %s merged into guest %s by a reviewer (%d source profile(s) moved).", merged.id, survivor.id,
                movedIds.size());
        return survivor;
    }

    /**
     * Writes what an automatic join of bridged guests publishes (the intake calls it in its batch's transaction, the
     * guests locked): GuestMerged on crm.guest-merges (decided automatically, with the weakest of the newcomer's scores
     * and the explanation; the moved source profiles), then a tombstone on crm.guests for each absorbed guest. The
     * survivor's GuestUpdated comes from the batch's recomposition.
     */
    public void publishAutomaticMerge(UUID survivorId, String tenant, List<UUID> absorbed,
            List<SourceProfileEntity> moved, double score, String explanation, EventMetadata cause, Instant now) {
        UUID actionId = cause.getEventId();
        String correlationId = cause.getCorrelationId() == null ? actionId.toString() : cause.getCorrelationId();
        EventMetadata metadata = EventMetadata.newBuilder(metadata(GuestMerged.class.getSimpleName(), tenant,
                actionId, now)).setCorrelationId(correlationId).setCausationId(actionId.toString()).build();
        outbox.add(Topic.CRM_GUEST_MERGES, survivorId.toString(), GuestMerged.newBuilder()
                .setMetadata(metadata)
                .setSurvivingGuestId(survivorId.toString())
                .setMergedGuestIds(absorbed.stream().map(UUID::toString).toList())
                .setMovedSourceProfiles(moved.stream().map(GuestMerges::ref).toList())
                .setDecidedBy(MergeDecision.AUTOMATIC)
                .setScore(score)
                .setExplanation(explanation)
                .build());
        for (UUID id : absorbed) {
            outbox.addTombstone(Topic.CRM_GUESTS, id.toString(), UUID.randomUUID(), correlationId);
        }
    }

    /**
     * Reverses a merge (automatic or a reviewer's): the source profiles that came from {@code absorbedId} into
     * {@code survivorId} (their latest decision names it as the guest they came from) and are still there move back
     * to it; it is no alias any more, the two sets are remembered as never-merge (the model will not join them again),
     * both guests are recomposed (the restored guest publishes its record again) and GuestSplit is written. A profile
     * placed later in the survivor stays there. Returns the restored guest.
     */
    public GuestEntity unmerge(UUID survivorId, UUID absorbedId, String reviewer, String reason) {
        Instant now = Instant.now();
        Map<UUID, GuestEntity> locked = GuestEntity.lockAll(List.of(survivorId, absorbedId));
        GuestEntity survivor = locked.get(survivorId);
        GuestEntity absorbed = locked.get(absorbedId);
        if (survivor == null || absorbed == null || !survivorId.equals(absorbed.mergedInto)
                || !survivor.tenant.equals(absorbed.tenant)) {
            throw new Conflict("That guest is not merged into this one.");
        }
        List<GuestSourceProfileEntity> links = GuestSourceProfileEntity.listByGuest(survivor.id);
        Map<UUID, MatchDecisionEntity> latest = new HashMap<>();
        MatchDecisionEntity.listByGuest(survivor.id).forEach(d -> latest.put(d.sourceProfileId, d));
        List<GuestSourceProfileEntity> back = links.stream().filter(l -> {
            MatchDecisionEntity d = latest.get(l.sourceProfileId);
            return d != null && absorbedId.equals(d.candidateGuestId)
                    && (ProfileChangeHandler.RULE_JOINED.equals(d.rule) || RULE_MANUAL_MERGE.equals(d.rule));
        }).toList();
        if (back.isEmpty() || back.size() == links.size()) {
            throw new Conflict("No source profile of that guest can be moved back.");
        }
        List<UUID> backIds = back.stream().map(l -> l.sourceProfileId).toList();
        List<UUID> staying = links.stream().map(l -> l.sourceProfileId).filter(id -> !backIds.contains(id)).toList();
        back.forEach(l -> {
            l.guestId = absorbed.id;
            l.linkedAt = now;
        });
        absorbed.mergedInto = null;
        absorbed.publishedFingerprint = null; // its key got a tombstone: its record is published again
        absorbed.updatedAt = now;
        MatchExclusionEntity.excludeAll(survivor.tenant, backIds, staying, reviewer, now);
        for (UUID sourceId : backIds) {
            decision(absorbed, sourceId, RULE_MANUAL_UNMERGE, "moved back out of guest " + survivor.id
                    + " by a reviewer (merge undone)" + reasonText(reason), reviewer, now, survivor.id);
        }
        UUID actionId = UUID.randomUUID();
        GuestRecomposer.Cause cause = new GuestRecomposer.Cause(actionId.toString(), actionId.toString());
        Map<UUID, GuestRecomposer.Cause> touched = new LinkedHashMap<>();
        touched.put(survivor.id, cause);
        touched.put(absorbed.id, cause);
        Map<UUID, GuestEntity> guests = new HashMap<>();
        guests.put(survivor.id, survivor);
        guests.put(absorbed.id, absorbed);
        recomposer.recompose(touched, guests, now);
        Map<UUID, SourceProfileEntity> sources = sources(backIds);
        outbox.add(Topic.CRM_GUEST_MERGES, survivor.id.toString(), GuestSplit.newBuilder()
                .setMetadata(metadata(GuestSplit.class.getSimpleName(), survivor.tenant, actionId, now))
                .setOriginalGuestId(survivor.id.toString())
                .setNewGuestId(absorbed.id.toString())
                .setMovedSourceProfiles(backIds.stream().map(sources::get).map(GuestMerges::ref).toList())
                .setDecidedBy(MergeDecision.REVIEWER)
                .setReason(reason)
                .build());
        LOG.infof("Merge of guest %s into guest %s undone by a reviewer (%d source profile(s) moved back).", absorbed.id,
                survivor.id, backIds.size());
        return absorbed;
    }

    static final String RULE_MANUAL_MERGE = "MANUAL_MERGE";
    static final String RULE_MANUAL_UNMERGE = "MANUAL_UNMERGE";

    /** Moves one source profile out of a guest into a new guest; returns the new guest. */
    public GuestEntity split(GuestEntity original, SourceProfileEntity source, String reviewer, String reason) {
        Instant now = Instant.now();
        GuestEntity guest = GuestEntity.lockAll(List.of(original.id)).get(original.id);
        List<GuestSourceProfileEntity> links = GuestSourceProfileEntity.listByGuest(guest.id);
        GuestSourceProfileEntity link = links.stream().filter(l -> l.sourceProfileId.equals(source.id)).findFirst()
                .orElseThrow(() -> new Conflict("That source profile is not in this guest."));
        if (links.size() < 2) {
            throw new Conflict("A guest with one source profile cannot be split.");
        }
        GuestEntity created = new GuestEntity();
        created.id = UUID.randomUUID();
        created.tenant = guest.tenant;
        created.version = 0;
        created.createdAt = now;
        created.updatedAt = now;
        created.persist();
        link.guestId = created.id;
        link.linkedAt = now;
        List<UUID> staying = links.stream().map(l -> l.sourceProfileId).filter(id -> !id.equals(source.id)).toList();
        MatchExclusionEntity.excludeAll(guest.tenant, List.of(source.id), staying, reviewer, now);
        decision(created, source.id, "MANUAL_SPLIT", "split out of guest " + guest.id + " by a reviewer" + reasonText(reason),
                reviewer, now, null);
        UUID actionId = UUID.randomUUID();
        GuestRecomposer.Cause cause = new GuestRecomposer.Cause(actionId.toString(), actionId.toString());
        Map<UUID, GuestRecomposer.Cause> touched = new LinkedHashMap<>();
        touched.put(guest.id, cause);
        touched.put(created.id, cause);
        Map<UUID, GuestEntity> guests = new HashMap<>();
        guests.put(guest.id, guest);
        guests.put(created.id, created);
        recomposer.recompose(touched, guests, now);
        outbox.add(Topic.CRM_GUEST_MERGES, guest.id.toString(), GuestSplit.newBuilder()
                .setMetadata(metadata(GuestSplit.class.getSimpleName(), guest.tenant, actionId, now))
                .setOriginalGuestId(guest.id.toString())
                .setNewGuestId(created.id.toString())
                .setMovedSourceProfiles(List.of(ref(source)))
                .setDecidedBy(MergeDecision.REVIEWER)
                .setReason(reason)
                .build());
        LOG.infof("Source profile %s split out of guest %s into new guest %s by a reviewer.", source.id, guest.id, created.id);
        return created;
    }

    /** Decides a pending review item: merge the two guests (the candidate, older, survives) or keep them apart. */
    public MatchDecisionEntity decide(MatchDecisionEntity item, boolean merge, String reviewer, String reason) {
        Instant now = Instant.now();
        if (!MatchDecisionEntity.STATUS_PENDING.equals(item.status)) {
            throw new Conflict("This review item was decided already (" + item.status + ").");
        }
        GuestEntity newcomer = resolve(item.guestId).orElseThrow();
        GuestEntity candidate = resolve(item.candidateGuestId).orElseThrow();
        if (merge) {
            if (!newcomer.id.equals(candidate.id)) {
                merge(candidate.id, newcomer.id, reviewer, reason);
            }
            settle(item, MatchDecisionEntity.STATUS_MERGED, reviewer, now);
        } else {
            List<UUID> a = GuestSourceProfileEntity.listByGuest(newcomer.id).stream().map(l -> l.sourceProfileId).toList();
            List<UUID> b = GuestSourceProfileEntity.listByGuest(candidate.id).stream().map(l -> l.sourceProfileId).toList();
            MatchExclusionEntity.excludeAll(newcomer.tenant, a, b, reviewer, now);
            settle(item, MatchDecisionEntity.STATUS_KEPT_APART, reviewer, now);
        }
        return item;
    }

    private static void settle(MatchDecisionEntity item, String status, String reviewer, Instant now) {
        item.status = status;
        item.reviewer = reviewer;
        item.decidedAt = now;
    }

    /** @param from the guest the source profile came from (what an un-merge reads) */
    private static void decision(GuestEntity guest, UUID sourceId, String rule, String explanation, String reviewer,
            Instant now, UUID from) {
        MatchDecisionEntity d = new MatchDecisionEntity();
        d.guestId = guest.id;
        d.tenant = guest.tenant;
        d.sourceProfileId = sourceId;
        d.rule = rule;
        d.explanation = explanation.length() > 2000 ? explanation.substring(0, 2000) : explanation;
        d.decidedBy = "REVIEWER";
        d.candidateGuestId = from;
        d.reviewer = reviewer;
        d.decidedAt = now;
        d.createdAt = now;
        d.persist();
    }

    private static String reasonText(String reason) {
        return reason == null || reason.isBlank() ? "" : ": " + reason.trim();
    }

    private static Map<UUID, SourceProfileEntity> sources(List<UUID> ids) {
        Map<UUID, SourceProfileEntity> byId = new HashMap<>();
        if (!ids.isEmpty()) {
            SourceProfileEntity.<SourceProfileEntity>list("id in ?1", ids).forEach(s -> byId.put(s.id, s));
        }
        return byId;
    }

    private static SourceProfileRef ref(SourceProfileEntity s) {
        return SourceProfileRef.newBuilder().setPmsSystem(s.pmsSystem).setPmsProfileId(s.pmsProfileId)
                .setHotelCode(s.hotelCode).build();
    }

    private EventMetadata metadata(String type, String tenant, UUID actionId, Instant now) {
        return EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(type)
                .setOccurredAt(now)
                .setSource(config.serviceName())
                .setTenantId(tenant)
                .setCorrelationId(actionId.toString())
                .setCausationId(actionId.toString())
                .setSchemaVersion(1)
                .build();
    }

}
