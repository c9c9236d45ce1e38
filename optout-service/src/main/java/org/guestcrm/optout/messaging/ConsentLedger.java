package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.config.SuppressionKeys;
import org.guestcrm.optout.domain.ConsentLedgerRule;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentScope;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentLedgerStore;
import org.guestcrm.optout.persistence.ConsentLedgerStore.HeldState;
import org.guestcrm.optout.persistence.ConsentLedgerStore.TenantHash;
import org.guestcrm.optout.persistence.ConsentLedgerStore.TenantValue;
import org.guestcrm.optout.persistence.ContactPointLocks;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.SourceProfileStore;
import org.guestcrm.optout.persistence.SourceProfileStore.Holder;
import org.guestcrm.optout.persistence.SourceProfileStore.TenantContactPoint;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Records a batch of consent statements, in order, with the rules every input shares, in bulk: the contact points'
 * locks in one statement (sorted keys, so two batches never deadlock), the erased contact points among the grants in
 * one query, the current states in one query; then the ledger rule per statement in order (newer wins, on equal time
 * the opt-out wins), the changes appended in one statement and made current in one; one ConsentChanged per change in
 * the outbox; the write-back of marketing changes said outside the PMS to the profiles holding the contact point (found
 * in one query); the guest holding each changed contact point (crm.guests) found in one query and named on
 * crm.consents. Statement counts do not grow with the batch.
 */
@ApplicationScoped
public class ConsentLedger {

    private static final Logger LOG = Logger.getLogger(ConsentLedger.class);

    private final ConsentLedgerRule ledgerRule = new ConsentLedgerRule();

    @Inject
    OptoutConfig config;
    @Inject
    ContactPointLocks locks;
    @Inject
    ConsentLedgerStore store;
    @Inject
    SourceProfileStore profiles;
    @Inject
    KnownContactPoints known;
    @Inject
    Outbox outbox;
    @Inject
    ContactUpdatePublisher contactUpdates;
    @Inject
    GuestDirectory guests;
    @Inject
    SuppressionKeys suppressionKeys;
    @Inject
    org.guestcrm.optout.persistence.PhoneVerifications phoneVerifications;

    /**
     * One statement and where it comes from: who said it ({@code actor}), which feed or link ({@code sourceDetail}),
     * the proof ({@code evidence}, an id, never personal data), the PMS profile for a PMS flag, the hotel, the
     * correlation and causation ids of the event it causes.
     */
    public record Said(String tenant, ConsentStatement statement, String actor, String sourceDetail, String evidence,
            String pmsSystem, String pmsProfileId, String hotelCode, String correlationId, String causationId) {
    }

    /**
     * Applies {@code said} in order in the caller's transaction. {@code rememberContactPoints}: store the contact
     * points' references (the profile intake has already stored every contact point of its profiles).
     *
     * @return the statements that changed the consent, in order
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Said> apply(List<Said> said, boolean rememberContactPoints, Instant now) {
        if (said.isEmpty()) {
            return List.of();
        }
        Set<String> lockKeys = new LinkedHashSet<>();
        Set<TenantValue> values = new LinkedHashSet<>();
        Set<TenantHash> grantHashes = new LinkedHashSet<>();
        Set<TenantValue> phoneGrants = new LinkedHashSet<>();
        Set<TenantValue> outlivePauses = new LinkedHashSet<>();
        List<TenantContactPoint> toRemember = new ArrayList<>();
        for (Said s : said) {
            ConsentStatement statement = s.statement();
            lockKeys.add(ContactPointLocks.key(s.tenant(), statement.contactPoint().value()));
            values.add(new TenantValue(s.tenant(), statement.contactPoint().value()));
            toRemember.add(new TenantContactPoint(s.tenant(), statement.contactPoint()));
            if (statement.status() == ConsentStatus.GRANTED) {
                suppressionKeys.candidates(s.tenant(), statement.contactPoint())
                        .forEach(hash -> grantHashes.add(new TenantHash(s.tenant(), hash)));
                if (statement.contactPoint().kind() == org.guestcrm.platform.domain.ContactKind.PHONE) {
                    phoneGrants.add(new TenantValue(s.tenant(), statement.contactPoint().value()));
                }
            }
            if (outlivesPause(s)) {
                outlivePauses.add(new TenantValue(s.tenant(), statement.contactPoint().value()));
            }
        }
        locks.lockAll(lockKeys);
        if (rememberContactPoints) {
            known.rememberAll(toRemember);
        }
        // An opt-out said while marketing is paused (staff, a link, a bounce) outlives the pause: the pause's end must
        // never undo it, even when it changes nothing now. (Not for PMS flags: the PMS may be echoing the pause's own
        // write-back.)
        store.endPauses(outlivePauses, "SUPERSEDED", now);
        Set<TenantHash> suppressed = store.suppressed(grantHashes);
        // Numbers the guest typed into the centre and nobody verified: no grant holds for them (no query without a grant).
        Set<TenantValue> unverified = phoneVerifications.unverified(phoneGrants);
        Map<String, HeldState> states = store.states(values);

        List<ConsentEntryEntity> entries = new ArrayList<>();
        Map<String, ConsentEntryEntity> latest = new LinkedHashMap<>();
        List<Said> changed = new ArrayList<>();
        List<ConsentStatus> published = new ArrayList<>();
        for (Said s : said) {
            ConsentStatement statement = s.statement();
            if (statement.status() == ConsentStatus.GRANTED && !suppressed.isEmpty()
                    && suppressionKeys.candidates(s.tenant(), statement.contactPoint()).stream()
                            .anyMatch(hash -> suppressed.contains(new TenantHash(s.tenant(), hash)))) {
                LOG.debugf("Evidence %s: a grant for an erased contact point was ignored.", s.evidence());
                continue;
            }
            if (statement.status() == ConsentStatus.GRANTED && !unverified.isEmpty()
                    && unverified.contains(new TenantValue(s.tenant(), statement.contactPoint().value()))) {
                LOG.debugf("Evidence %s: a grant for a phone number not verified yet was ignored.", s.evidence());
                continue;
            }
            String key = ConsentLedgerStore.stateKey(s.tenant(), statement.contactPoint().value(), statement.channel().name(),
                    statement.purpose().name(), statement.scope());
            HeldState state = states.get(key);
            ConsentLedgerRule.Decision decision = ledgerRule.decide(state == null ? null : ConsentStatus.valueOf(state.status()),
                    state == null ? null : state.effectiveAt(), statement);
            if (decision != ConsentLedgerRule.Decision.CHANGE) {
                if (decision == ConsentLedgerRule.Decision.OLDER_THAN_CURRENT) {
                    LOG.debugf("Evidence %s: a %s %s statement older than the current consent (ledger entry %s) was ignored.",
                            s.evidence(), statement.channel(), statement.status(), state.entryId());
                }
                continue;
            }
            ConsentEntryEntity entry = ConsentMapper.entry(s.tenant(), statement, s.evidence(), s.pmsSystem(), s.pmsProfileId(), now);
            entry.actor = s.actor();
            entry.sourceDetail = s.sourceDetail();
            entries.add(entry);
            latest.put(key, entry);
            states.put(key, new HeldState(entry.status, entry.effectiveAt, entry.id));
            changed.add(s);
            published.add(publishedStatus(states, s.tenant(), statement));
        }
        // A state references its ledger entry: the entries first.
        store.append(entries);
        store.makeCurrent(latest.values(), now);

        Map<TenantContactPoint, List<Holder>> holders = holdersOfWriteBacks(changed);
        Map<String, String> guestOf = guests.soleHolders(changed.stream()
                .map(s -> new TenantValue(s.tenant(), s.statement().contactPoint().value())).distinct().toList());
        for (int i = 0; i < changed.size(); i++) {
            Said s = changed.get(i);
            ConsentEntryEntity entry = entries.get(i);
            EventMetadata metadata = metadata(s, now);
            ConsentChanged event = ConsentMapper.toConsentChanged(entry, s.hotelCode(),
                    guestOf.get(entry.tenant + "\n" + entry.contactPoint), metadata);
            if (!published.get(i).name().equals(entry.status)) {
                event = ConsentChanged.newBuilder(event).setStatus(org.guestcrm.events.ConsentStatus.valueOf(published.get(i).name()))
                        .build();
            }
            outbox.add(Topic.CRM_CONSENTS, ConsentFromProfileHandler.consentKey(entry.tenant, entry.channel, entry.purpose,
                    entry.scope, entry.contactPoint), event);
            if (writesBack(s)) {
                ConsentStatement statement = s.statement();
                contactUpdates.consentChanged(s.tenant(), statement.channel(), statement.status(), statement.scope(), reasonOf(statement),
                        s.correlationId(), metadata.getEventId().toString(),
                        holders.getOrDefault(new TenantContactPoint(s.tenant(), statement.contactPoint()), List.of()));
            }
        }
        return changed;
    }

    /**
     * What crm.consents says for a changed state: its own status in the tenant scope; in a hotel's or brand's scope
     * the consent that holds there (an opt-out of the tenant or of that scope wins), so a consumer that reads the
     * record as the scope's answer never sends where the tenant withdrew.
     */
    private static ConsentStatus publishedStatus(Map<String, HeldState> states, String tenant, ConsentStatement statement) {
        if (ConsentScope.isTenant(statement.scope())) {
            return statement.status();
        }
        HeldState whole = states.get(ConsentLedgerStore.stateKey(tenant, statement.contactPoint().value(),
                statement.channel().name(), statement.purpose().name(), ConsentScope.TENANT));
        return whole != null && ConsentStatus.WITHDRAWN.name().equals(whole.status()) ? ConsentStatus.WITHDRAWN : statement.status();
    }

    private Map<TenantContactPoint, List<Holder>> holdersOfWriteBacks(List<Said> changed) {
        Set<TenantContactPoint> asked = new LinkedHashSet<>();
        for (Said s : changed) {
            if (writesBack(s)) {
                asked.add(new TenantContactPoint(s.tenant(), s.statement().contactPoint()));
            }
        }
        Map<TenantContactPoint, List<Holder>> byContactPoint = new LinkedHashMap<>();
        for (Holder holder : profiles.holders(asked)) {
            byContactPoint.computeIfAbsent(new TenantContactPoint(holder.tenant(),
                    new org.guestcrm.optout.domain.ContactPoint(holder.kind(), holder.value())), k -> new ArrayList<>()).add(holder);
        }
        return byContactPoint;
    }

    /** The PMS flags speak of marketing only; a PMS flag is not written back to the PMS. */
    private static boolean writesBack(Said s) {
        return s.statement().source() != ConsentSource.PMS && s.statement().purpose() == ConsentPurpose.MARKETING;
    }

    private static boolean outlivesPause(Said s) {
        ConsentStatement statement = s.statement();
        return statement.status() == ConsentStatus.WITHDRAWN && statement.purpose() == ConsentPurpose.MARKETING
                && statement.source() != ConsentSource.PMS
                && (s.sourceDetail() == null || !s.sourceDetail().startsWith("pause:"));
    }

    static ContactUpdateReason reasonOf(ConsentStatement statement) {
        return statement.source() == ConsentSource.BOUNCE ? ContactUpdateReason.BOUNCE
                : statement.status() == ConsentStatus.WITHDRAWN ? ContactUpdateReason.OPT_OUT : ContactUpdateReason.OPT_IN;
    }

    private EventMetadata metadata(Said s, Instant now) {
        return EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(ConsentChanged.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(config.serviceName())
                .setTenantId(s.tenant())
                .setCorrelationId(s.correlationId() != null ? s.correlationId() : s.causationId())
                .setCausationId(s.causationId())
                .setSchemaVersion(1)
                .build();
    }
}
