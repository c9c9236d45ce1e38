package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.persistence.GuestSeenEntity;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.guests (GuestUpdated, compacted, key guestId): the PMS profiles each golden guest lists become the desk's links
 * (profile -> guestId), and the leads of those profiles and their tasks carry the guestId. Only a version newer than
 * the one applied counts; a guest that is gone (merged away, erased) is not brought back by a late record. Tombstones
 * (the guest merged away or erased) come to {@link #forget}.
 */
@ApplicationScoped
public class GuestUpdatedHandler implements IntakeHandler<GuestUpdated> {

    static final String CONSUMER = "desk-guests";
    private static final Logger LOG = Logger.getLogger(GuestUpdatedHandler.class);

    @Inject
    GuestLinks links;
    @Inject
    DeskClock clock;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<GuestUpdated> recordType() {
        return GuestUpdated.class;
    }

    @Override
    public UUID eventIdOf(GuestUpdated value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("GuestUpdated without metadata.eventId");
        }
        UUID id = value.getMetadata().getEventId();
        if (value.getMetadata().getTenantId() == null || value.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("GuestUpdated " + id + " lacks tenantId");
        }
        if (value.getGuestId() == null || value.getGuestId().isBlank() || value.getGuestId().length() > 100) {
            throw new PoisonRecordException("GuestUpdated " + id + " lacks a guestId (or it is longer than 100)");
        }
        return id;
    }

    @Override
    public void apply(List<IntakeRecord<GuestUpdated>> records) {
        Instant now = clock.now();
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.value().getGuestId()));
        Map<String, GuestSeenEntity> held = links.seenForUpdate(ids);
        // The newest applicable record per guest of the batch.
        Map<String, GuestUpdated> newest = new LinkedHashMap<>();
        int skipped = 0;
        for (IntakeRecord<GuestUpdated> record : records) {
            GuestUpdated guest = record.value();
            GuestSeenEntity seen = held.get(guest.getGuestId());
            GuestUpdated earlier = newest.get(guest.getGuestId());
            long applied = earlier != null ? earlier.getVersion() : seen != null ? seen.version : Long.MIN_VALUE;
            boolean otherTenant = seen != null && seen.tenant != null
                    && !seen.tenant.equals(guest.getMetadata().getTenantId());
            if ((seen != null && seen.gone) || otherTenant || guest.getVersion() <= applied) {
                skipped++;
                continue;
            }
            newest.put(guest.getGuestId(), guest);
        }
        Map<GuestLinks.Profile, String> owners = new HashMap<>();
        Map<String, Map.Entry<String, Long>> versions = new HashMap<>();
        for (GuestUpdated guest : newest.values()) {
            String tenant = guest.getMetadata().getTenantId();
            versions.put(guest.getGuestId(), Map.entry(tenant, guest.getVersion()));
            for (SourceProfileRef profile : guest.getSourceProfiles()) {
                if (profile.getPmsSystem() != null && profile.getPmsProfileId() != null) {
                    owners.put(new GuestLinks.Profile(tenant, profile.getPmsSystem(), profile.getPmsProfileId()),
                            guest.getGuestId());
                }
            }
        }
        links.saw(held, versions, now);
        int leads = links.link(owners, newest.keySet(), now, guestId -> {
            GuestUpdated guest = newest.get(guestId);
            return guest == null ? Cause.tombstone("crm.guests")
                    : new Cause(guest.getMetadata().getCorrelationId(), guest.getMetadata().getEventId().toString());
        });
        LOG.debugf("Batch of %d guest record(s): %d applied (%d lead(s) relinked), %d older or gone.", records.size(),
                newest.size(), leads, skipped);
    }

    @Override
    public void forget(List<String> keys) {
        links.forget(keys, clock.now(), Cause.tombstone("crm.guests"));
        LOG.debugf("%d guest(s) gone from crm.guests; their leads and tasks no longer name them.", keys.size());
    }
}
