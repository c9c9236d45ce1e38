package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.PmsConsentInterpreter;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.SourceProfileStore;
import org.guestcrm.optout.persistence.SourceProfileStore.HeldProfile;
import org.guestcrm.optout.persistence.SourceProfileStore.ProfileContactPoints;
import org.guestcrm.optout.persistence.SourceProfileStore.ProfileKey;
import org.guestcrm.optout.persistence.SourceProfileStore.TenantContactPoint;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Applies a batch of pms.profiles events in the one transaction {@code BatchIntake} opened (which has already recorded
 * them as processed). Per record, in offset order (so per key): when it is newer than the profile state held (or than
 * an earlier record of the same profile in this batch), it replaces the profile's contact points and turns its
 * marketing flags into consent statements, which {@link ConsentLedger} records. Every step is one statement for the
 * whole batch (plain SQL over arrays, no entities): load the profiles, write their new versions, delete their old
 * contact points, insert the new ones, store the contact points' references; then the ledger's lock, suppression,
 * state, entry and state statements; the outbox rows go out as JDBC batches.
 */
@ApplicationScoped
public class ConsentFromProfileHandler implements IntakeHandler<GuestProfileChanged> {

    private static final Logger LOG = Logger.getLogger(ConsentFromProfileHandler.class);
    /** Postal addresses of applied profiles without a key (no country code, postcode or street line): no POST consent. */
    public static final String ADDRESSES_WITHOUT_KEY = "optout.postal.addresses.without.key";

    private final PmsConsentInterpreter interpreter = new PmsConsentInterpreter();

    @Inject
    OptoutConfig config;
    @Inject
    SourceProfileStore profiles;
    @Inject
    KnownContactPoints known;
    @Inject
    ConsentLedger ledger;
    @Inject
    MeterRegistry meters;

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
        for (String[] field : new String[][] {{"tenantId", metadata.getTenantId()}, {"pmsSystem", event.getPmsSystem()},
                {"pmsProfileId", event.getPmsProfileId()}}) {
            if (field[1] == null || field[1].isBlank()) {
                throw new PoisonRecordException("GuestProfileChanged " + metadata.getEventId() + " cannot be applied: no "
                        + field[0]);
            }
        }
        return metadata.getEventId();
    }

    /**
     * No processed-event row per record (issue 5): the handler is idempotent by itself. A record is applied only when its
     * version is newer than the profile state held ({@code source_profile}, kept even after an erasure), and the
     * version is written in the same transaction as everything the record causes (contact points, ledger entries,
     * outbox rows); a redelivered record is never newer than what it wrote, so it is skipped with no second effect
     * ({@code IntakeStatementsTest} applies a batch twice and counts the ledger entries and outbox rows).
     */
    @Override
    public boolean recordsProcessedEvents() {
        return false;
    }

    @Override
    public void apply(List<IntakeRecord<GuestProfileChanged>> records) {
        Instant now = Instant.now();
        Set<ProfileKey> keys = new LinkedHashSet<>();
        for (IntakeRecord<GuestProfileChanged> record : records) {
            GuestProfileChanged event = record.value();
            keys.add(new ProfileKey(event.getMetadata().getTenantId(), event.getPmsSystem(), event.getPmsProfileId()));
        }
        Map<String, HeldProfile> held = profiles.load(keys);
        // Only profiles held before this batch have contact point rows to delete (a new one has none).
        Set<UUID> stored = new java.util.HashSet<>();
        held.values().forEach(p -> stored.add(p.id));

        Map<UUID, HeldProfile> changedProfiles = new LinkedHashMap<>();
        Map<UUID, ProfileContactPoints> contactPoints = new LinkedHashMap<>();
        List<ConsentLedger.Said> said = new ArrayList<>();
        int applied = 0;
        int notNewer = 0;
        int withoutKey = 0;
        for (IntakeRecord<GuestProfileChanged> record : records) {
            GuestProfileChanged event = record.value();
            EventMetadata metadata = event.getMetadata();
            String tenant = metadata.getTenantId();
            String key = HeldProfile.key(tenant, event.getPmsSystem(), event.getPmsProfileId());
            SnapshotVersion incoming = ConsentMapper.versionOf(event);
            HeldProfile profile = held.get(key);
            if (profile != null && !incoming.isNewerThan(ConsentMapper.versionOf(profile))) {
                LOG.debugf("Event %s for profile %s is not newer than the state held (from event %s); skipped.",
                        metadata.getEventId(), key, profile.lastEventId);
                notNewer++;
                continue;
            }
            if (profile == null) {
                profile = new HeldProfile();
                profile.id = UUID.randomUUID();
                profile.tenant = tenant;
                profile.pmsSystem = event.getPmsSystem();
                profile.pmsProfileId = event.getPmsProfileId();
                held.put(key, profile);
            }
            profile.pmsSequence = event.getPmsSequence();
            profile.pmsUpdatedAt = event.getPmsUpdatedAt();
            profile.occurredAt = metadata.getOccurredAt();
            profile.lastEventId = metadata.getEventId();
            profile.hotelCode = event.getHotelCode() == null || event.getHotelCode().isBlank() ? null : event.getHotelCode().trim();
            changedProfiles.put(profile.id, profile);
            applied++;

            List<ContactPoint> points = ConsentMapper.contactPoints(event,
                    config.phoneRegion(tenant, event.getHotelCode()).orElse(null));
            // An incomplete postal address (no country code, postcode or street line) has no key: no POST consent for
            // it, counted, not an error.
            withoutKey += ConsentMapper.addressesWithoutKey(event);
            // A later version in the same batch replaces the earlier one's contact points.
            contactPoints.put(profile.id, new ProfileContactPoints(profile.id, tenant, points));
            // Where the tenant wants hotel or brand scopes, the PMS of a hotel speaks for that scope only.
            String scope = config.scopeOf(tenant, event.getHotelCode());
            for (ConsentStatement statement : interpreter.statements(ConsentMapper.permissions(event), points,
                    incoming.effectiveAt())) {
                said.add(new ConsentLedger.Said(tenant, statement.withScope(scope), "pms:" + event.getPmsSystem(), event.getPmsSystem(),
                        metadata.getEventId().toString(), event.getPmsSystem(), event.getPmsProfileId(), event.getHotelCode(),
                        metadata.getCorrelationId() != null ? metadata.getCorrelationId() : metadata.getEventId().toString(),
                        metadata.getEventId().toString()));
            }
        }
        if (withoutKey > 0) {
            meters.counter(ADDRESSES_WITHOUT_KEY).increment(withoutKey);
        }
        if (applied == 0) {
            LOG.debugf("Batch of %d profile event(s): none newer than the states held.", records.size());
            return;
        }
        // A contact point row references its profile: the profiles first.
        profiles.save(changedProfiles.values(), now);
        profiles.replaceContactPoints(contactPoints.values(), stored, now);
        // The opaque reference of every contact point held, so guest links naming it resolve.
        List<TenantContactPoint> all = new ArrayList<>();
        contactPoints.values().forEach(p -> p.contactPoints().forEach(cp -> all.add(new TenantContactPoint(p.tenant(), cp))));
        known.rememberAll(all);
        int changes = ledger.apply(said, false, now).size();
        LOG.debugf("Batch of %d profile event(s): %d applied, %d not newer, %d consent change(s), %d postal address(es) without"
                + " a key.", records.size(), applied, notNewer, changes, withoutKey);
    }

    /**
     * Key of crm.consents: one compacted record per tenant, channel, purpose and contact point, so compaction
     * keeps the latest consent of each (a key of the contact point alone would let an SMS consent, or another
     * tenant's, erase this one). The contact point comes last: it is the only part that may hold a colon.
     */
    static String consentKey(String tenant, String channel, String purpose, String contactPoint) {
        return String.join(":", tenant, channel, purpose, contactPoint);
    }

    /**
     * As above for a consent of {@code scope}: the tenant scope keeps the key above; a hotel or brand scope has its own
     * key, {@code tenant:CHANNEL:PURPOSE:HOTEL=<code>:contactPoint} (the scope before the contact point, which stays
     * last), so compaction keeps one record per scope.
     */
    static String consentKey(String tenant, String channel, String purpose, String scope, String contactPoint) {
        return org.guestcrm.optout.domain.ConsentScope.isTenant(scope) ? consentKey(tenant, channel, purpose, contactPoint)
                : String.join(":", tenant, channel, purpose, org.guestcrm.optout.mapping.ConsentMapper.scopeOf(scope), contactPoint);
    }
}
