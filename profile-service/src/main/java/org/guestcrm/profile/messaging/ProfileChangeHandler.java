package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.platform.persistence.DatabaseLocks;
import org.guestcrm.platform.persistence.ProcessedEvents;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.ExactEmailMatchRule;
import org.guestcrm.profile.domain.GoldenRecord;
import org.guestcrm.profile.domain.GoldenRecordComposer;
import org.guestcrm.profile.domain.MatchCandidate;
import org.guestcrm.profile.domain.MatchDecision;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.domain.SourceProfileSnapshot;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.GuestRecords;
import org.guestcrm.profile.persistence.GuestSourceProfileEntity;
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Applies one pms.profiles event in one transaction: records it as processed, stores the source profile
 * when it is newer than the held state, puts a new source profile in a guest (exact e-mail match or a new
 * guest, with the decision recorded), recomposes the guest's golden record and writes GuestUpdated to the
 * outbox.
 */
@ApplicationScoped
public class ProfileChangeHandler {

    private static final Logger LOG = Logger.getLogger(ProfileChangeHandler.class);

    private final ExactEmailMatchRule matchRule = new ExactEmailMatchRule();
    private final GoldenRecordComposer composer = new GoldenRecordComposer();

    @Inject
    ProfileConfig config;
    @Inject
    ProcessedEvents processedEvents;
    @Inject
    DatabaseLocks locks;
    @Inject
    GuestRecords guestRecords;
    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;

    /** The result, for logs and tests. */
    public enum Outcome { APPLIED, DUPLICATE, OUTDATED }

    @Transactional
    public Outcome apply(GuestProfileChanged event) {
        SourceProfileKey key = validate(event);
        UUID eventId = event.getMetadata().getEventId();
        if (!processedEvents.markProcessed(config.serviceName(), eventId)) {
            LOG.infof("Event %s was already processed; skipped.", eventId);
            return Outcome.DUPLICATE;
        }
        SnapshotVersion incoming = GuestMapper.versionOf(event);
        SourceProfileEntity source = SourceProfileEntity.findByKey(key.tenant(), key.pmsSystem(), key.pmsProfileId()).orElse(null);
        if (source != null && !incoming.isNewerThan(GuestMapper.versionOf(source))) {
            LOG.infof("Event %s for source profile %s is not newer than the state held (from event %s); recorded and skipped.",
                    eventId, key, source.lastEventId);
            return Outcome.OUTDATED;
        }
        Instant now = Instant.now();
        UUID guestId;
        if (source == null) {
            source = new SourceProfileEntity();
            source.id = UUID.randomUUID();
            source.receivedAt = now;
            GuestMapper.copyInto(event, source);
            source.persist();
            guestId = attachToGuest(source, eventId, now);
        } else {
            GuestMapper.copyInto(event, source);
            source.receivedAt = now;
            guestId = GuestSourceProfileEntity.findBySourceProfile(source.id).orElseThrow().guestId;
        }
        GuestEntity guest = recompose(guestId, now);
        writeGuestUpdated(guest, event.getMetadata(), now);
        LOG.infof("Event %s applied to source profile %s of guest %s (version %d).", eventId, key, guest.id, guest.version);
        return Outcome.APPLIED;
    }

    private SourceProfileKey validate(GuestProfileChanged event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null || metadata.getOccurredAt() == null) {
            throw new PoisonEventException("GuestProfileChanged without event metadata (eventId, occurredAt)");
        }
        try {
            return new SourceProfileKey(metadata.getTenantId(), event.getPmsSystem(), event.getPmsProfileId());
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("GuestProfileChanged " + metadata.getEventId() + " cannot be applied: " + e.getMessage());
        }
    }

    private UUID attachToGuest(SourceProfileEntity source, UUID eventId, Instant now) {
        SourceProfileSnapshot snapshot = GuestMapper.toSnapshot(source);
        List<String> emails = snapshot.normalisedEmails();
        locks.lockKeys(source.tenant, emails);
        List<MatchCandidate> candidates = GuestContactPointEntity.listByTenantAndValues(source.tenant, ContactKind.EMAIL, emails)
                .stream()
                .map(cp -> new MatchCandidate(cp.guestId, cp.value, GuestEntity.<GuestEntity>findById(cp.guestId).createdAt))
                .toList();
        MatchDecision decision = matchRule.decide(emails, candidates);
        UUID guestId = decision.existingGuestId().orElseGet(() -> createGuest(source.tenant, now));

        GuestSourceProfileEntity link = new GuestSourceProfileEntity();
        link.sourceProfileId = source.id;
        link.guestId = guestId;
        link.linkedAt = now;
        link.persist();

        MatchDecisionEntity record = new MatchDecisionEntity();
        record.id = UUID.randomUUID();
        record.guestId = guestId;
        record.sourceProfileId = source.id;
        record.rule = decision.rule();
        record.explanation = decision.explanation();
        record.decidedBy = "AUTOMATIC";
        record.createdAt = now;
        record.persist();
        LOG.infof("Event %s: source profile %s put in guest %s by rule %s (%s).",
                eventId, source.id, guestId, decision.rule(), decision.explanation());
        return guestId;
    }

    private UUID createGuest(String tenant, Instant now) {
        GuestEntity guest = new GuestEntity();
        guest.id = UUID.randomUUID();
        guest.tenant = tenant;
        guest.version = 0;
        guest.createdAt = now;
        guest.updatedAt = now;
        guest.persist();
        return guest.id;
    }

    private GuestEntity recompose(UUID guestId, Instant now) {
        GuestEntity guest = GuestEntity.findById(guestId);
        List<SourceProfileEntity> sources = GuestSourceProfileEntity.listByGuest(guestId).stream()
                .map(link -> SourceProfileEntity.<SourceProfileEntity>findById(link.sourceProfileId))
                .toList();
        Map<SourceProfileKey, UUID> idsByKey = new HashMap<>();
        sources.forEach(s -> idsByKey.put(GuestMapper.keyOf(s), s.id));
        GoldenRecord record = composer.compose(sources.stream().map(GuestMapper::toSnapshot).toList());
        GuestMapper.copyInto(record, guest);
        guest.version = guest.version + 1;
        guest.updatedAt = now;
        GuestContactPointEntity.deleteByGuest(guestId);
        entityManager.flush();
        GuestMapper.contactPointRows(guest, record, idsByKey).forEach(row -> row.persist());
        entityManager.flush();
        return guest;
    }

    private void writeGuestUpdated(GuestEntity guest, EventMetadata cause, Instant now) {
        GuestRecords.StoredGuest stored = guestRecords.load(guest.id).orElseThrow();
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(GuestUpdated.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(config.serviceName())
                .setTenantId(guest.tenant)
                .setCorrelationId(cause.getCorrelationId() != null ? cause.getCorrelationId() : cause.getEventId().toString())
                .setCausationId(cause.getEventId().toString())
                .setSchemaVersion(1)
                .build();
        GuestUpdated updated = GuestMapper.toGuestUpdated(guest, stored.contactPoints(), stored.sourceProfiles(), metadata);
        outbox.add(Topic.CRM_GUESTS, guest.id.toString(), updated);
    }
}
