package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.guest-merges: a GuestMerged makes the merged guests live on in the survivor (their contact points move to it, so
 * the guest's consent, the most restrictive of its contact points', counts them at once); a GuestSplit changes nothing
 * here, the two guests' next crm.guests records say what each holds. Merges apply one by one in offset order (a chain
 * A into B into C needs the order; merges are rare): four statements per merge.
 */
@ApplicationScoped
public class GuestMergeHandler implements IntakeHandler<SpecificRecord> {

    private static final Logger LOG = Logger.getLogger(GuestMergeHandler.class);

    @Inject
    OptoutConfig config;
    @Inject
    GuestDirectory guests;

    @Override
    public String consumer() {
        return config.serviceName() + "-guest-merges";
    }

    @Override
    public Class<SpecificRecord> recordType() {
        return SpecificRecord.class;
    }

    @Override
    public UUID eventIdOf(SpecificRecord record) {
        EventMetadata metadata = record instanceof GuestMerged m ? m.getMetadata() : record instanceof GuestSplit s ? s.getMetadata() : null;
        if (metadata == null || metadata.getEventId() == null) {
            throw new PoisonRecordException(record.getClass().getSimpleName() + " without event metadata (eventId), or not a"
                    + " GuestMerged or GuestSplit");
        }
        if (metadata.getTenantId() == null || metadata.getTenantId().isBlank()) {
            throw new PoisonRecordException(record.getClass().getSimpleName() + " " + metadata.getEventId()
                    + " cannot be applied: no tenantId");
        }
        if (record instanceof GuestMerged merged && (merged.getSurvivingGuestId() == null || merged.getSurvivingGuestId().isBlank())) {
            throw new PoisonRecordException("GuestMerged " + metadata.getEventId() + " cannot be applied: no survivingGuestId");
        }
        return metadata.getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<SpecificRecord>> records) {
        Instant now = Instant.now();
        int merges = 0;
        for (IntakeRecord<SpecificRecord> record : records) {
            if (record.value() instanceof GuestMerged merged) {
                guests.merge(merged.getMetadata().getTenantId(), merged.getSurvivingGuestId(), merged.getMergedGuestIds(), now);
                merges++;
            }
        }
        LOG.debugf("Batch of %d guest-merge record(s): %d merge(s) applied.", records.size(), merges);
    }
}
