package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.guest-merges: a GuestMerged moves the leads and tasks of the merged guests to the survivor (and the profiles it
 * moved); a GuestSplit moves the leads of the profiles it moved to the new guest. Applied one by one in offset order
 * (a chain A into B into C needs the order; merges are rare).
 */
@ApplicationScoped
public class GuestMergeHandler implements IntakeHandler<SpecificRecord> {

    static final String CONSUMER = "desk-guest-merges";
    private static final Logger LOG = Logger.getLogger(GuestMergeHandler.class);

    @Inject
    GuestLinks links;
    @Inject
    DeskClock clock;
    @Inject
    jakarta.persistence.EntityManager entityManager;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<SpecificRecord> recordType() {
        return SpecificRecord.class;
    }

    @Override
    public UUID eventIdOf(SpecificRecord value) {
        EventMetadata metadata = value instanceof GuestMerged m ? m.getMetadata()
                : value instanceof GuestSplit s ? s.getMetadata() : null;
        if (metadata == null || metadata.getEventId() == null) {
            throw new PoisonRecordException(value.getClass().getSimpleName()
                    + " is not a GuestMerged or GuestSplit with metadata.eventId");
        }
        if (metadata.getTenantId() == null || metadata.getTenantId().isBlank()) {
            throw new PoisonRecordException(value.getClass().getSimpleName() + " " + metadata.getEventId() + " lacks tenantId");
        }
        if (value instanceof GuestMerged merged && blank(merged.getSurvivingGuestId())) {
            throw new PoisonRecordException("GuestMerged " + metadata.getEventId() + " lacks survivingGuestId");
        }
        if (value instanceof GuestSplit split && blank(split.getNewGuestId())) {
            throw new PoisonRecordException("GuestSplit " + metadata.getEventId() + " lacks newGuestId");
        }
        return metadata.getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<SpecificRecord>> records) {
        Instant now = clock.now();
        for (IntakeRecord<SpecificRecord> record : records) {
            if (record.value() instanceof GuestMerged merged) {
                String tenant = merged.getMetadata().getTenantId();
                Cause cause = causeOf(merged.getMetadata());
                String target = links.merge(tenant, merged.getMergedGuestIds(), merged.getSurvivingGuestId(), now, cause);
                links.link(owners(tenant, merged.getMovedSourceProfiles(), target), List.of(), now, g -> cause);
                count(tenant, merged.getMetadata().getOccurredAt(), 1, merged.getMergedGuestIds().stream()
                        .filter(id -> id != null && !id.equals(target)).distinct().count(), 0);
                LOG.infof("Guests %s of tenant %s merged into %s: their leads and tasks moved (event %s).",
                        merged.getMergedGuestIds(), tenant, target, merged.getMetadata().getEventId());
            } else if (record.value() instanceof GuestSplit split) {
                String tenant = split.getMetadata().getTenantId();
                Cause cause = causeOf(split.getMetadata());
                links.link(owners(tenant, split.getMovedSourceProfiles(), split.getNewGuestId()), List.of(), now,
                        g -> cause);
                int mails = followSplit(tenant, split);
                count(tenant, split.getMetadata().getOccurredAt(), 0, 0, 1);
                LOG.infof("Guest %s of tenant %s split: %d profile(s) and %d campaign mail(s) moved to %s (event %s).",
                        split.getOriginalGuestId(), tenant, split.getMovedSourceProfiles().size(), mails,
                        split.getNewGuestId(), split.getMetadata().getEventId());
            }
        }
    }

    /**
     * Revenue attribution follows a split: the campaign mails of the original guest sent to an e-mail address that the
     * moved profiles hold (their reservations' or leads' address, compared as ContactPointRef) and none of the
     * profiles it keeps, and the clicks in them, now count for the new guest. A mail without a known address stays.
     * Idempotent (a redelivered split finds nothing left to move). Returns the mails moved.
     */
    private int followSplit(String tenant, GuestSplit split) {
        List<String> moved = new java.util.ArrayList<>();
        for (SourceProfileRef profile : split.getMovedSourceProfiles()) {
            if (profile.getPmsSystem() != null && profile.getPmsProfileId() != null) {
                moved.add(profile.getPmsSystem() + "|" + profile.getPmsProfileId());
            }
        }
        if (moved.isEmpty() || blank(split.getOriginalGuestId())) {
            return 0;
        }
        int mails = entityManager.createNativeQuery("""
                with addresses(pms_key, ref) as (
                    select pms_system || '|' || pms_profile_id, desk_contact_ref(tenant, 'EMAIL', guest_email)
                    from reservation_state where tenant = :tenant and guest_email is not null and pms_profile_id is not null
                    union
                    select pms_system || '|' || pms_profile_id, desk_contact_ref(tenant, 'EMAIL', guest_email)
                    from lead where tenant = :tenant and guest_email is not null and pms_profile_id is not null),
                kept(pms_key) as (
                    select pms_system || '|' || pms_profile_id from guest_link
                    where tenant = :tenant and guest_id = :original)
                update campaign_send set guest_id = :target
                where tenant = :tenant and guest_id = :original and contact_ref is not null
                  and contact_ref in (select ref from addresses where pms_key in (:moved))
                  and contact_ref not in (select a.ref from addresses a join kept k on k.pms_key = a.pms_key)""")
                .setParameter("tenant", tenant).setParameter("original", split.getOriginalGuestId())
                .setParameter("target", split.getNewGuestId()).setParameter("moved", moved).executeUpdate();
        if (mails > 0) {
            entityManager.createNativeQuery("""
                    update campaign_click c set guest_id = :target
                    where c.tenant = :tenant and c.guest_id = :original
                      and exists (select 1 from campaign_send s where s.communication_id = c.communication_id
                                  and s.guest_id = :target)""")
                    .setParameter("tenant", tenant).setParameter("original", split.getOriginalGuestId())
                    .setParameter("target", split.getNewGuestId()).executeUpdate();
        }
        return mails;
    }

    private static Map<GuestLinks.Profile, String> owners(String tenant, List<SourceProfileRef> profiles, String guestId) {
        Map<GuestLinks.Profile, String> owners = new HashMap<>();
        for (SourceProfileRef profile : profiles) {
            if (profile.getPmsSystem() != null && profile.getPmsProfileId() != null) {
                owners.put(new GuestLinks.Profile(tenant, profile.getPmsSystem(), profile.getPmsProfileId()), guestId);
            }
        }
        return owners;
    }

    /** Adds to merge_tally (duplicates merged per tenant and UTC day), in the record's transaction. */
    private void count(String tenant, Instant at, long merges, long guestsMerged, long splits) {
        entityManager.createNativeQuery("""
                insert into merge_tally (tenant, day, merges, guests_merged, splits)
                values (?1, cast(?2 as date), ?3, ?4, ?5)
                on conflict (tenant, day) do update set merges = merge_tally.merges + excluded.merges,
                    guests_merged = merge_tally.guests_merged + excluded.guests_merged,
                    splits = merge_tally.splits + excluded.splits""")
                .setParameter(1, tenant).setParameter(2, at.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString())
                .setParameter(3, merges).setParameter(4, guestsMerged).setParameter(5, splits).executeUpdate();
    }

    private static Cause causeOf(EventMetadata metadata) {
        return new Cause(metadata.getCorrelationId(), metadata.getEventId().toString());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
