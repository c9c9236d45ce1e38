package org.guestcrm.journey.messaging;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestMerged;
import org.guestcrm.events.GuestSplit;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.domain.CampaignAudience;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.GuestSourceProfiles;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

/**
 * Re-keys what is pending when profile-service merges or splits golden guests (crm.guest-merges), in offset order, in
 * the intake's transaction (idempotent: processed_event, and a redelivery finds nothing left to move).
 *
 * <p>GuestMerged: every message keyed by a merged-away guest (campaign and occasion messages) moves to the survivor
 * ({@code guest_id} = survivor, {@code previous_guest_id} = the merged one), sent ones too, so the survivor's frequency
 * cap counts them; the dispatcher then judges address, consent and cap on the survivor. A pending one gets the reason
 * "re-keyed: guest merged into ..." and a CommunicationEvent under the survivor's key. When the survivor already holds
 * a message of the same campaign run or occasion, one is kept: the survivor's; a pending one of the merged guest is
 * CANCELLED "duplicate: ...", a final one stays with the merged guest as history. A message the merged guest's
 * tombstone on crm.guests cancelled first ("guest erased or merged away": the two topics are not ordered) is
 * SCHEDULED again under the survivor. The merged guests' PMS profiles now belong to the survivor.
 *
 * <p>GuestSplit: the moved PMS profiles now belong to the new guest; pending journey messages of reservations whose
 * lead guest is one of those profiles get the reason "re-keyed: ..." and a CommunicationEvent (their key stays the
 * reservation: journey steps carry no guest id). Messages keyed by the original guest stay with it, except those that
 * came from the new guest by a merge (an un-merge) and the pending campaign and occasion messages to the moved profiles'
 * hotels, which follow the new guest.
 */
@ApplicationScoped
public class GuestMergeHandler implements IntakeHandler<SpecificRecord> {

    static final String CONSUMER = "journey-guest-merges";
    private static final Logger LOG = Logger.getLogger(GuestMergeHandler.class);
    private static final List<CommunicationStatus> PENDING = List.of(CommunicationStatus.SCHEDULED,
            CommunicationStatus.RESCHEDULED, CommunicationStatus.HELD);

    @Inject
    CommunicationRepository communications;
    @Inject
    CommunicationLedger ledger;
    @Inject
    GuestSourceProfiles profiles;

    @Inject
    Clock clock;

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
            throw new PoisonRecordException("Not a GuestMerged or GuestSplit with metadata.eventId");
        }
        String id = " in " + value.getSchema().getName() + " " + metadata.getEventId();
        if (blank(metadata.getTenantId())) {
            throw new PoisonRecordException("tenantId is required" + id);
        }
        if (value instanceof GuestMerged merged && (blank(merged.getSurvivingGuestId())
                || merged.getMergedGuestIds().isEmpty() || merged.getMergedGuestIds().stream().anyMatch(g -> blank(g)))) {
            throw new PoisonRecordException("survivingGuestId and mergedGuestIds are required" + id);
        }
        if (value instanceof GuestSplit split && (blank(split.getOriginalGuestId()) || blank(split.getNewGuestId()))) {
            throw new PoisonRecordException("originalGuestId and newGuestId are required" + id);
        }
        return metadata.getEventId();
    }

    private static boolean blank(CharSequence value) {
        return value == null || value.toString().isBlank() || value.length() > 100;
    }

    @Override
    public void apply(List<IntakeRecord<SpecificRecord>> records) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int moved = 0;
        for (IntakeRecord<SpecificRecord> record : records) {
            if (record.value() instanceof GuestMerged merged) {
                String tenant = merged.getMetadata().getTenantId();
                for (String mergedId : new LinkedHashSet<>(merged.getMergedGuestIds())) {
                    if (!mergedId.equals(merged.getSurvivingGuestId())) {
                        moved += merge(tenant, mergedId, merged.getSurvivingGuestId(), merged.getMetadata(), now);
                    }
                }
                profiles.assign(tenant, merged.getSurvivingGuestId(), profilesOf(merged.getMovedSourceProfiles()), now);
            } else if (record.value() instanceof GuestSplit split) {
                moved += split(split, now);
            }
        }
        LOG.debugf("%d guest merge/split record(s): %d message(s) re-keyed.", records.size(), moved);
    }

    private int merge(String tenant, String mergedId, String survivorId, EventMetadata cause, Instant now) {
        profiles.moveAll(tenant, mergedId, survivorId, now);
        List<CommunicationEntity> ofMerged = communications.find("tenant = ?1 and guestId = ?2 "
                        + "order by tenant, hotelCode, pmsReservationId, dueAt, step", tenant, mergedId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
        if (ofMerged.isEmpty()) {
            return 0;
        }
        Set<String> survivorHolds = new HashSet<>();
        for (CommunicationEntity held : communications.<CommunicationEntity>list("tenant = ?1 and guestId = ?2",
                tenant, survivorId)) {
            survivorHolds.add(occasionKeyOf(held));
        }
        String note = "re-keyed: guest " + mergedId + " merged into " + survivorId;
        int moved = 0;
        for (CommunicationEntity message : ofMerged) {
            boolean pending = PENDING.contains(message.status);
            boolean cancelledByTombstone = message.status == CommunicationStatus.CANCELLED
                    && CampaignAudience.GUEST_GONE.equals(message.reason) && message.sentAt == null;
            if (!survivorHolds.add(occasionKeyOf(message))) {
                if (pending) {
                    ledger.changeStatus(message, CommunicationStatus.CANCELLED, "duplicate: guest " + mergedId
                            + " merged into " + survivorId + ", who holds the same message", now);
                }
                continue;
            }
            message.previousGuestId = mergedId;
            message.guestId = survivorId;
            message.correlationId = cause.getCorrelationId() == null ? message.correlationId : cause.getCorrelationId();
            message.causationId = cause.getEventId().toString();
            if (pending) {
                message.reason = note;
                message.updatedAt = now;
                ledger.statusChanged(message, now);
            } else if (cancelledByTombstone) {
                message.cancelledAt = null;
                message.attempts = 0;
                message.nextAttemptAt = null;
                ledger.changeStatus(message, CommunicationStatus.SCHEDULED, note, now);
            } else {
                // Sent, skipped or cancelled for a reason of its own: history, moved so the survivor's cap counts it.
                message.updatedAt = now;
            }
            moved++;
        }
        return moved;
    }

    private int split(GuestSplit split, Instant now) {
        String tenant = split.getMetadata().getTenantId();
        List<GuestSourceProfiles.Profile> moved = profilesOf(split.getMovedSourceProfiles());
        profiles.assign(tenant, split.getNewGuestId(), moved, now);
        int rekeyed = unmergeMessages(tenant, split.getOriginalGuestId(), split.getNewGuestId(), split.getMetadata(), now);
        rekeyed += followMovedHotels(tenant, split, now);
        if (moved.isEmpty()) {
            return rekeyed;
        }
        @SuppressWarnings("unchecked")
        List<CommunicationEntity> pending = communications.getEntityManager().createNativeQuery("""
                        SELECT c.* FROM communication c
                        JOIN reservation r ON r.tenant = c.tenant AND r.hotel_code = c.hotel_code
                                          AND r.pms_reservation_id = c.pms_reservation_id
                        JOIN unnest(cast(:systems AS text[]), cast(:profiles AS text[])) AS p (system, profile)
                          ON r.pms_system = p.system AND r.guest_profile_id = p.profile
                        WHERE r.tenant = :tenant AND c.guest_id IS NULL
                          AND c.status IN ('SCHEDULED', 'RESCHEDULED', 'HELD')
                        ORDER BY c.tenant, c.hotel_code, c.pms_reservation_id, c.due_at, c.step
                        FOR UPDATE OF c
                        """, CommunicationEntity.class)
                .setParameter("tenant", tenant)
                .setParameter("systems", moved.stream().map(GuestSourceProfiles.Profile::pmsSystem).toArray(String[]::new))
                .setParameter("profiles", moved.stream().map(GuestSourceProfiles.Profile::pmsProfileId)
                        .toArray(String[]::new))
                .getResultList();
        String note = "re-keyed: the reservation's guest split from " + split.getOriginalGuestId() + " as "
                + split.getNewGuestId();
        for (CommunicationEntity message : pending) {
            message.reason = note;
            message.updatedAt = now;
            message.causationId = split.getMetadata().getEventId().toString();
            ledger.statusChanged(message, now);
        }
        return rekeyed + pending.size();
    }

    /**
     * The campaign and occasion messages that came to {@code originalId} from {@code newId} by a merge (their
     * {@code previous_guest_id}) go back to it when the merge is undone (profile-service's un-merge answers the
     * absorbed guest's own id again): {@code guest_id} = the split-off guest, {@code previous_guest_id} = the original,
     * sent ones too (so each guest's frequency cap counts its own mails). A pending one gets the reason "re-keyed: guest
     * <new> split from <original>" and a CommunicationEvent keyed by the split-off guest. When the split-off guest
     * already holds a message of the same campaign run or occasion again, its own is kept: the moving pending one is
     * CANCELLED "duplicate: ...", a final one stays with the original as history. A split that makes a new guest
     * moves (besides) the pending ones to the moved profiles' hotels ({@link #followMovedHotels}).
     */
    private int unmergeMessages(String tenant, String originalId, String newId, EventMetadata cause, Instant now) {
        List<CommunicationEntity> cameFromNew = communications.find("tenant = ?1 and guestId = ?2 "
                        + "and previousGuestId = ?3 order by tenant, hotelCode, pmsReservationId, dueAt, step",
                tenant, originalId, newId).withLock(LockModeType.PESSIMISTIC_WRITE).list();
        return moveToSplitOff(cameFromNew, tenant, originalId, newId, cause, now);
    }

    /**
     * A split into a guest that gets PMS profiles of some hotel: the original's <em>pending</em> campaign and occasion
     * messages to that hotel (the hotel whose stay put the guest in the segment or occasion) follow the split-off
     * guest, as the moved reservations' journey does; those to the original's other hotels, and sent ones, stay.
     */
    private int followMovedHotels(String tenant, GuestSplit split, Instant now) {
        List<String> hotels = split.getMovedSourceProfiles().stream().map(SourceProfileRef::getHotelCode)
                .filter(hotel -> !blank(hotel)).distinct().toList();
        if (hotels.isEmpty()) {
            return 0;
        }
        List<CommunicationEntity> ofHotels = communications.find("tenant = ?1 and guestId = ?2 and hotelCode in ?3 "
                        + "and status in ?4 and (campaignId is not null or occasion is not null) "
                        + "order by tenant, hotelCode, pmsReservationId, dueAt, step",
                tenant, split.getOriginalGuestId(), hotels, PENDING).withLock(LockModeType.PESSIMISTIC_WRITE).list();
        return moveToSplitOff(ofHotels, tenant, split.getOriginalGuestId(), split.getNewGuestId(), split.getMetadata(),
                now);
    }

    private int moveToSplitOff(List<CommunicationEntity> cameFromNew, String tenant, String originalId, String newId,
                               EventMetadata cause, Instant now) {
        if (cameFromNew.isEmpty()) {
            return 0;
        }
        Set<String> newHolds = new HashSet<>();
        for (CommunicationEntity held : communications.<CommunicationEntity>list("tenant = ?1 and guestId = ?2",
                tenant, newId)) {
            newHolds.add(occasionKeyOf(held));
        }
        String note = "re-keyed: guest " + newId + " split from " + originalId;
        int moved = 0;
        for (CommunicationEntity message : cameFromNew) {
            boolean pending = PENDING.contains(message.status);
            if (!newHolds.add(occasionKeyOf(message))) {
                if (pending) {
                    ledger.changeStatus(message, CommunicationStatus.CANCELLED, "duplicate: guest " + newId
                            + " split from " + originalId + " holds the same message", now);
                }
                continue;
            }
            message.guestId = newId;
            message.previousGuestId = originalId;
            message.correlationId = cause.getCorrelationId() == null ? message.correlationId : cause.getCorrelationId();
            message.causationId = cause.getEventId().toString();
            message.updatedAt = now;
            if (pending) {
                message.reason = note;
                ledger.statusChanged(message, now);
            }
            moved++;
        }
        return moved;
    }

    /** What makes two messages of one guest the same message: the campaign run, else the step and occasion. */
    private static String occasionKeyOf(CommunicationEntity message) {
        if (message.campaignId != null) {
            return "campaign:" + message.campaignId + ":" + (message.campaignRun == null ? 0 : message.campaignRun);
        }
        if (message.occasion != null) {
            return "occasion:" + message.step + ":" + message.occasion;
        }
        // A message of neither kind is never a duplicate of another.
        return "message:" + message.id;
    }

    private static List<GuestSourceProfiles.Profile> profilesOf(List<SourceProfileRef> refs) {
        return refs.stream()
                .filter(ref -> !blank(ref.getPmsSystem()) && !blank(ref.getPmsProfileId()))
                .map(ref -> new GuestSourceProfiles.Profile(ref.getPmsSystem(), ref.getPmsProfileId()))
                .distinct().toList();
    }
}
