package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentLedgerRule;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.ContactPointLocks;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentScope;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Records one statement said outside the PMS feed (a staff opt-out, an unsubscribe link) with the same rules as the
 * feed: the contact point's lock, the ledger rule (newer wins, opt-out wins a tie), a ledger entry, the new state and
 * ConsentChanged in the outbox, all in the caller's transaction.
 */
@ApplicationScoped
public class ConsentRecorder {

    private final ConsentLedgerRule ledgerRule = new ConsentLedgerRule();

    @Inject
    OptoutConfig config;
    @Inject
    ContactPointLocks locks;
    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;
    @Inject
    KnownContactPoints known;
    @Inject
    PreferenceCentreStore store;
    @Inject
    ContactUpdatePublisher contactUpdates;
    @Inject
    org.guestcrm.optout.persistence.GuestDirectory guests;
    @Inject
    org.guestcrm.optout.config.SuppressionKeys suppressionKeys;
    @Inject
    org.guestcrm.optout.persistence.PhoneVerifications phoneVerifications;

    /** Who said it and how it is proven: actor, which feed or link key, and the evidence id (never personal data). */
    public record Provenance(String actor, String sourceDetail, String evidence, String correlationId) {
    }

    /** @return true when the statement changed the consent (a ledger entry and an event), false when it did not */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String tenant, ConsentStatement statement, Provenance provenance) {
        return record(tenant, statement, provenance, true);
    }

    /**
     * As {@link #record(String, ConsentStatement, Provenance)}; {@code writeBack} false records without writing the
     * marketing flag back to the PMS profiles holding the contact point (a state carried over from another address,
     * which those profiles' PMSs already hold as their own flag).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String tenant, ConsentStatement statement, Provenance provenance, boolean writeBack) {
        String contactPoint = statement.contactPoint().value();
        locks.lockAll(List.of(ContactPointLocks.key(tenant, contactPoint)));
        if (statement.status() == ConsentStatus.GRANTED
                && !store.suppressed(tenant, suppressionKeys.candidates(tenant, statement.contactPoint())).isEmpty()) {
            // An erased contact point is never granted again.
            return false;
        }
        if (statement.status() == ConsentStatus.GRANTED && statement.contactPoint().kind() == org.guestcrm.platform.domain.ContactKind.PHONE
                && phoneVerifications.isUnverified(tenant, contactPoint)) {
            // A number the guest typed in and nobody verified yet holds no grant (the PMS's flag was for the old one).
            return false;
        }
        known.remember(tenant, List.of(statement.contactPoint()));
        if (statement.status() == ConsentStatus.WITHDRAWN && statement.purpose() == ConsentPurpose.MARKETING
                && statement.source() != ConsentSource.PMS
                && (provenance.sourceDetail() == null || !provenance.sourceDetail().startsWith("pause:"))) {
            // An opt-out said while marketing is paused (staff, a link, a bounce) outlives the pause: it must never be
            // undone by the pause's end, even when it changes nothing now. (Not for PMS flags: the PMS may only be
            // echoing the pause's own write-back.)
            store.endPauses(tenant, contactPoint, "SUPERSEDED", Instant.now());
        }
        ConsentStateEntity state = ConsentStateEntity.find(tenant, contactPoint, statement.channel().name(),
                statement.purpose().name(), statement.scope()).orElse(null);
        ConsentLedgerRule.Decision decision = ledgerRule.decide(state == null ? null : ConsentStatus.valueOf(state.status),
                state == null ? null : state.effectiveAt, statement);
        if (decision != ConsentLedgerRule.Decision.CHANGE) {
            return false;
        }
        Instant now = Instant.now();
        ConsentEntryEntity entry = ConsentMapper.entry(tenant, statement, provenance.evidence(), null, null, now);
        entry.actor = provenance.actor();
        entry.sourceDetail = provenance.sourceDetail();
        entry.persist();
        entityManager.flush();
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
                .setCorrelationId(provenance.correlationId())
                .setCausationId(null)
                .setSchemaVersion(1)
                .build();
        ConsentChanged event = ConsentMapper.toConsentChanged(entry, statement.scope().startsWith("HOTEL:")
                ? statement.scope().substring(6) : null, guests.soleHolders(List.of(
                        new org.guestcrm.optout.persistence.ConsentLedgerStore.TenantValue(tenant, contactPoint)))
                        .get(tenant + "\n" + contactPoint), metadata);
        if (!ConsentScope.isTenant(statement.scope()) && statement.status() == ConsentStatus.GRANTED) {
            // In a hotel's or brand's scope crm.consents says what holds there: a tenant-wide opt-out wins.
            ConsentStateEntity whole = ConsentStateEntity.find(tenant, contactPoint, entry.channel, entry.purpose).orElse(null);
            if (whole != null && ConsentStatus.WITHDRAWN.name().equals(whole.status)) {
                event = ConsentChanged.newBuilder(event).setStatus(org.guestcrm.events.ConsentStatus.WITHDRAWN).build();
            }
        }
        outbox.add(Topic.CRM_CONSENTS, ConsentFromProfileHandler.consentKey(tenant, entry.channel, entry.purpose, entry.scope,
                contactPoint), event);
        // The write-back: the PMS profiles holding this contact point get the new marketing flag (said outside the PMS).
        if (writeBack && statement.source() != ConsentSource.PMS && statement.purpose() == ConsentPurpose.MARKETING) {
            contactUpdates.consentChanged(tenant, statement.contactPoint(), statement.channel(), statement.status(), statement.scope(),
                    statement.source() == ConsentSource.BOUNCE ? ContactUpdateReason.BOUNCE
                            : statement.status() == ConsentStatus.WITHDRAWN ? ContactUpdateReason.OPT_OUT : ContactUpdateReason.OPT_IN,
                    provenance.correlationId(), metadata.getEventId().toString());
        }
        return true;
    }

    /**
     * The consents of {@code old} on {@code channels}, every scope, recorded for {@code corrected} in the same scope
     * (the tenant's first; each written back to the PMS profiles of its own scope), with
     * {@code source} and {@code provenance}. {@code withdrawalsOnly}: only the opt-outs (a number not verified yet
     * takes the old number's opt-outs at once, its grants only when verified). A grant for an erased contact point, or
     * for an unverified number, is refused here as anywhere. @return changes recorded
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int carry(String tenant, org.guestcrm.optout.domain.ContactPoint old, org.guestcrm.optout.domain.ContactPoint corrected,
            java.util.Set<org.guestcrm.optout.domain.ConsentChannel> channels, boolean withdrawalsOnly, ConsentSource source,
            Provenance provenance, Instant now) {
        int carried = 0;
        List<ConsentStateEntity> states = new java.util.ArrayList<>(ConsentStateEntity.listFor(tenant, old.value()));
        states.sort(java.util.Comparator.comparing((ConsentStateEntity s) -> !ConsentScope.isTenant(s.scope))
                .thenComparing(s -> s.scope).thenComparing(s -> s.channel).thenComparing(s -> s.purpose));
        for (ConsentStateEntity state : states) {
            org.guestcrm.optout.domain.ConsentChannel channel = org.guestcrm.optout.domain.ConsentChannel.valueOf(state.channel);
            ConsentStatus status = ConsentStatus.valueOf(state.status);
            if (!channels.contains(channel) || withdrawalsOnly && status == ConsentStatus.GRANTED) {
                continue;
            }
            if (record(tenant, new ConsentStatement(corrected, channel, ConsentPurpose.valueOf(state.purpose), status, source,
                    now, state.scope), provenance, true)) {
                carried++;
            }
        }
        return carried;
    }
}
