package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentLedgerRule;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.PmsConsentInterpreter;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.ProfileContactPointEntity;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.platform.persistence.DatabaseLocks;
import org.guestcrm.platform.persistence.ProcessedEvents;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Applies one pms.profiles event in one transaction: records it as processed; when it is newer than the profile
 * state held, replaces the profile's contact points and turns its marketing flags into consent statements; each
 * statement that changes the consent state is appended to the ledger, becomes the state, and goes to the outbox
 * as ConsentChanged.
 */
@ApplicationScoped
public class ConsentFromProfileHandler {

    private static final Logger LOG = Logger.getLogger(ConsentFromProfileHandler.class);

    private final PmsConsentInterpreter interpreter = new PmsConsentInterpreter();
    private final ConsentLedgerRule ledgerRule = new ConsentLedgerRule();

    @Inject
    OptoutConfig config;
    @Inject
    ProcessedEvents processedEvents;
    @Inject
    DatabaseLocks locks;
    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;

    @Transactional
    public void apply(GuestProfileChanged event) {
        EventMetadata metadata = validate(event);
        UUID eventId = metadata.getEventId();
        String tenant = metadata.getTenantId();
        String profileKey = tenant + ":" + event.getPmsSystem() + ":" + event.getPmsProfileId();
        if (!processedEvents.markProcessed(config.serviceName(), eventId)) {
            LOG.infof("Event %s was already processed; skipped.", eventId);
            return;
        }
        SnapshotVersion incoming = ConsentMapper.versionOf(event);
        SourceProfileEntity profile = SourceProfileEntity.findByKey(tenant, event.getPmsSystem(), event.getPmsProfileId()).orElse(null);
        if (profile != null && !incoming.isNewerThan(ConsentMapper.versionOf(profile))) {
            LOG.infof("Event %s for profile %s is not newer than the state held (from event %s); recorded and skipped.",
                    eventId, profileKey, profile.lastEventId);
            return;
        }
        Instant now = Instant.now();
        if (profile == null) {
            profile = new SourceProfileEntity();
            profile.id = UUID.randomUUID();
            profile.tenant = tenant;
            profile.pmsSystem = event.getPmsSystem();
            profile.pmsProfileId = event.getPmsProfileId();
        }
        profile.pmsSequence = event.getPmsSequence();
        profile.pmsUpdatedAt = event.getPmsUpdatedAt();
        profile.occurredAt = metadata.getOccurredAt();
        profile.lastEventId = eventId;
        profile.updatedAt = now;
        profile.persist();

        List<ContactPoint> contactPoints = ConsentMapper.contactPoints(event);
        replaceContactPoints(profile, contactPoints, now);

        List<ConsentStatement> statements = interpreter.statements(ConsentMapper.permissions(event), contactPoints, incoming.effectiveAt());
        locks.lockKeys(tenant, statements.stream().map(s -> s.contactPoint().value()).toList());
        int changed = 0;
        for (ConsentStatement statement : statements) {
            if (applyStatement(tenant, statement, event, now)) {
                changed++;
            }
        }
        LOG.infof("Event %s applied to profile %s: %d contact point(s), %d consent statement(s), %d consent change(s).",
                eventId, profileKey, contactPoints.size(), statements.size(), changed);
    }

    private EventMetadata validate(GuestProfileChanged event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null || metadata.getOccurredAt() == null) {
            throw new PoisonEventException("GuestProfileChanged without event metadata (eventId, occurredAt)");
        }
        for (String[] field : new String[][] { { "tenantId", metadata.getTenantId() }, { "pmsSystem", event.getPmsSystem() },
                { "pmsProfileId", event.getPmsProfileId() } }) {
            if (field[1] == null || field[1].isBlank()) {
                throw new PoisonEventException("GuestProfileChanged " + metadata.getEventId() + " cannot be applied: no " + field[0]);
            }
        }
        return metadata;
    }

    private void replaceContactPoints(SourceProfileEntity profile, List<ContactPoint> contactPoints, Instant now) {
        ProfileContactPointEntity.deleteBySourceProfile(profile.id);
        entityManager.flush();
        for (ContactPoint contactPoint : contactPoints) {
            ProfileContactPointEntity row = new ProfileContactPointEntity();
            row.id = UUID.randomUUID();
            row.sourceProfileId = profile.id;
            row.tenant = profile.tenant;
            row.kind = contactPoint.kind();
            row.value = contactPoint.value();
            row.seenAt = now;
            row.persist();
        }
    }

    private boolean applyStatement(String tenant, ConsentStatement statement, GuestProfileChanged cause, Instant now) {
        String contactPoint = statement.contactPoint().value();
        ConsentStateEntity state = ConsentStateEntity.find(tenant, contactPoint, statement.channel().name(), statement.purpose().name())
                .orElse(null);
        ConsentLedgerRule.Decision decision = ledgerRule.decide(
                state == null ? null : org.guestcrm.optout.domain.ConsentStatus.valueOf(state.status),
                state == null ? null : state.effectiveAt, statement);
        if (decision != ConsentLedgerRule.Decision.CHANGE) {
            if (decision == ConsentLedgerRule.Decision.OLDER_THAN_CURRENT) {
                LOG.infof("Event %s: a %s %s statement older than the current consent (ledger entry %s) was ignored.",
                        cause.getMetadata().getEventId(), statement.channel(), statement.status(), state.entryId);
            }
            return false;
        }
        ConsentEntryEntity entry = ConsentMapper.entry(tenant, statement, cause, now);
        entry.persist();
        if (state == null) {
            state = new ConsentStateEntity();
            ConsentMapper.copyInto(entry, state, now);
            state.persist();
        } else {
            ConsentMapper.copyInto(entry, state, now);
        }
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(ConsentChanged.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(config.serviceName())
                .setTenantId(tenant)
                .setCorrelationId(cause.getMetadata().getCorrelationId() != null ? cause.getMetadata().getCorrelationId()
                        : cause.getMetadata().getEventId().toString())
                .setCausationId(cause.getMetadata().getEventId().toString())
                .setSchemaVersion(1)
                .build();
        outbox.add(Topic.CRM_CONSENTS, consentKey(tenant, entry.channel, entry.purpose, contactPoint),
                ConsentMapper.toConsentChanged(entry, cause.getHotelCode(), metadata));
        LOG.infof("Event %s: consent ledger entry %s (%s %s %s) is now the current consent.",
                cause.getMetadata().getEventId(), entry.id, entry.channel, entry.purpose, entry.status);
        return true;
    }

    /**
     * Key of crm.consents: one compacted record per tenant, channel, purpose and contact point, so compaction
     * keeps the latest consent of each (a key of the contact point alone would let an SMS consent, or another
     * tenant's, erase this one). The contact point comes last: it is the only part that may hold a colon.
     */
    static String consentKey(String tenant, String channel, String purpose, String contactPoint) {
        return String.join(":", tenant, channel, purpose, contactPoint);
    }
}
