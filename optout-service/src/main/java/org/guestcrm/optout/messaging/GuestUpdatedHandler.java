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
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.GuestProfileSummary;
import org.guestcrm.optout.mapping.ConsentMapper;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.optout.persistence.GuestDirectory.GuestContactPoints;
import org.guestcrm.optout.persistence.GuestDirectory.HeldGuest;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.guests (GuestUpdated, compacted, key guestId): which golden guest holds which contact point, so crm.consents can
 * name the guest and the consent API can answer per guest; and what the preference centre shows of it (names,
 * language, stays summary, interests). A version newer than the one held replaces the guest's
 * contact points (normalised like the ledger's: phones in E.164 in the tenant's region); a guest merged away is not
 * brought back by a late record. Tombstones are skipped by the platform's intake; the merge that causes them comes on
 * crm.guest-merges. In bulk: one query, then three statements per batch.
 */
@ApplicationScoped
public class GuestUpdatedHandler implements IntakeHandler<GuestUpdated> {

    private static final Logger LOG = Logger.getLogger(GuestUpdatedHandler.class);

    @Inject
    OptoutConfig config;
    @Inject
    GuestDirectory guests;

    @Override
    public String consumer() {
        return config.serviceName() + "-guests";
    }

    @Override
    public Class<GuestUpdated> recordType() {
        return GuestUpdated.class;
    }

    @Override
    public UUID eventIdOf(GuestUpdated event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null) {
            throw new PoisonRecordException("GuestUpdated without event metadata (eventId)");
        }
        if (metadata.getTenantId() == null || metadata.getTenantId().isBlank()) {
            throw new PoisonRecordException("GuestUpdated " + metadata.getEventId() + " cannot be applied: no tenantId");
        }
        if (event.getGuestId() == null || event.getGuestId().isBlank()) {
            throw new PoisonRecordException("GuestUpdated " + metadata.getEventId() + " cannot be applied: no guestId");
        }
        return metadata.getEventId();
    }

    /**
     * No processed-event row per record (issue 5): a record is applied only when its version is newer than the one held
     * (written in the same upsert), so a redelivered one is skipped with no second effect; it writes no outbox row.
     */
    @Override
    public boolean recordsProcessedEvents() {
        return false;
    }

    @Override
    public void apply(List<IntakeRecord<GuestUpdated>> records) {
        Set<String> ids = new LinkedHashSet<>();
        records.forEach(r -> ids.add(r.value().getGuestId()));
        Map<String, HeldGuest> held = guests.load(ids);
        Map<String, GuestContactPoints> changed = new LinkedHashMap<>();
        int skipped = 0;
        for (IntakeRecord<GuestUpdated> record : records) {
            GuestUpdated event = record.value();
            String tenant = event.getMetadata().getTenantId();
            HeldGuest known = held.get(event.getGuestId());
            GuestContactPoints earlier = changed.get(event.getGuestId());
            long newest = earlier != null ? earlier.version() : known != null ? known.version() : Long.MIN_VALUE;
            if ((known != null && (known.mergedInto() != null || !known.tenant().equals(tenant))) || event.getVersion() <= newest) {
                skipped++;
                continue;
            }
            String region = config.phoneRegion(tenant, null).orElse(null);
            List<ContactPoint> points = new ArrayList<>();
            event.getEmails().forEach(cp -> ContactPoint.email(cp.getValue()).ifPresent(points::add));
            event.getPhones().forEach(cp -> ContactPoint.phone(cp.getValue(), region).ifPresent(points::add));
            points.addAll(ConsentMapper.postalAddresses(event.getAddresses()));
            changed.put(event.getGuestId(), new GuestContactPoints(event.getGuestId(), tenant, event.getVersion(), points,
                    GuestDirectory.GuestDetails.of(event.getFirstName(), event.getLastName(), event.getLanguage())
                            .with(summaryOf(event))));
        }
        guests.save(changed.values(), Instant.now());
        LOG.debugf("Batch of %d guest record(s): %d applied, %d older or merged away.", records.size(), changed.size(), skipped);
    }

    /** The stays summary and interests the preference centre shows: the record's counts, its hotels, its preferences. */
    static GuestProfileSummary summaryOf(GuestUpdated event) {
        List<String> hotels = new ArrayList<>();
        event.getSourceProfiles().forEach(ref -> hotels.add(ref.getHotelCode()));
        return GuestProfileSummary.of(event.getStayCount(), event.getLastStayDeparture(), event.getLastStayHotelCode(),
                hotels, event.getPreferences());
    }

}
