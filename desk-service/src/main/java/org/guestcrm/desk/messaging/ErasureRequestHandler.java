package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * crm.erasures: a guest asked to be forgotten. The leads of that guest (by golden guestId, by the PMS profiles the
 * request or the desk's links name, by the ContactPointRef of their e-mail or phone, or by an erased reservation) lose
 * the guest's name, e-mail, phone, language, message, PMS profile and guestId; the reservations the desk keeps lose
 * the e-mail and profile; the guest's links are dropped and the guest counts as gone (a late crm.guests record does
 * not bring it back); tasks that named the guest publish GUEST_LINKED without it. Hotel, stay, rooms, statuses, times,
 * quotes' amounts and the tallies stay: the figures do not change. Idempotent (the intake's processed events, and
 * applying a request twice finds nothing left to clear); one transaction per batch.
 */
@ApplicationScoped
public class ErasureRequestHandler implements IntakeHandler<ErasureRequested> {

    static final String CONSUMER = "desk-erasures";
    private static final Logger LOG = Logger.getLogger(ErasureRequestHandler.class);
    /** Stands in for an empty list in an SQL "in (...)": no profile key or reference is ever empty. */
    private static final List<String> NOTHING = List.of("");

    @Inject
    GuestLinks links;
    @Inject
    TaskLedger tasks;
    @Inject
    DeskClock clock;
    @Inject
    EntityManager entityManager;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ErasureRequested> recordType() {
        return ErasureRequested.class;
    }

    @Override
    public UUID eventIdOf(ErasureRequested value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ErasureRequested without metadata.eventId");
        }
        UUID id = value.getMetadata().getEventId();
        if (value.getMetadata().getTenantId() == null || value.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("ErasureRequested " + id + " lacks tenantId");
        }
        if (value.getErasureId() == null) {
            throw new PoisonRecordException("ErasureRequested " + id + " lacks erasureId");
        }
        boolean noGuest = value.getGuestId() == null || value.getGuestId().isBlank();
        if (noGuest && value.getContactPointRefs().isEmpty() && value.getSourceProfiles().isEmpty()) {
            throw new PoisonRecordException("ErasureRequested " + id
                    + " names no subject (no guestId, contactPointRefs or sourceProfiles)");
        }
        return id;
    }

    @Override
    public void apply(List<IntakeRecord<ErasureRequested>> records) {
        for (IntakeRecord<ErasureRequested> record : records) {
            erase(record.value());
        }
    }

    private void erase(ErasureRequested request) {
        Instant now = clock.now();
        String tenant = request.getMetadata().getTenantId();
        String guestId = request.getGuestId() == null || request.getGuestId().isBlank() ? null : request.getGuestId();
        Cause cause = new Cause(request.getMetadata().getCorrelationId(), request.getMetadata().getEventId().toString());

        Set<String> profiles = new HashSet<>();
        for (SourceProfileRef profile : request.getSourceProfiles()) {
            if (profile.getPmsSystem() != null && profile.getPmsProfileId() != null) {
                profiles.add(profile.getPmsSystem() + "|" + profile.getPmsProfileId());
            }
        }
        if (guestId != null) {
            profiles.addAll(strings(entityManager.createNativeQuery("""
                    select pms_system || '|' || pms_profile_id from guest_link where tenant = ?1 and guest_id = ?2""")
                    .setParameter(1, tenant).setParameter(2, guestId).getResultList()));
        }
        List<String> profileKeys = profiles.isEmpty() ? NOTHING : new ArrayList<>(profiles);
        List<String> refs = request.getContactPointRefs().isEmpty() ? NOTHING : request.getContactPointRefs();

        List<String> reservationKeys = strings(entityManager.createNativeQuery("""
                select reservation_key from reservation_state where tenant = :tenant
                  and ((pms_system || '|' || pms_profile_id) in (:profiles)
                       or desk_contact_ref(tenant, 'EMAIL', guest_email) in (:refs))""")
                .setParameter("tenant", tenant).setParameter("profiles", profileKeys).setParameter("refs", refs)
                .getResultList());
        if (!reservationKeys.isEmpty()) {
            // The desk's lock order: reservation_state (by key) before leads, as the reservations intake takes them.
            ReservationStateEntity.<ReservationStateEntity>find("reservationKey in ?1 order by reservationKey",
                    reservationKeys).withLock(LockModeType.PESSIMISTIC_WRITE).list();
        }
        List<UUID> leadIds = new ArrayList<>();
        for (Object id : entityManager.createNativeQuery("""
                select id from lead where tenant = :tenant
                  and (guest_id = :guest
                       or (pms_system || '|' || pms_profile_id) in (:profiles)
                       or desk_contact_ref(tenant, 'EMAIL', guest_email) in (:refs)
                       or desk_contact_ref(tenant, 'PHONE', guest_phone) in (:refs)
                       or reservation_key in (:reservations))""")
                .setParameter("tenant", tenant).setParameter("guest", guestId == null ? "" : guestId)
                .setParameter("profiles", profileKeys).setParameter("refs", refs)
                .setParameter("reservations", reservationKeys.isEmpty() ? NOTHING : reservationKeys)
                .getResultList()) {
            leadIds.add(id instanceof UUID uuid ? uuid : UUID.fromString(id.toString()));
        }

        int unlinked = 0;
        if (guestId != null) {
            // The guest is gone here: links dropped, leads and tasks no longer name it (GUEST_LINKED for each task).
            unlinked += (int) TaskEntity.count("tenant = ?1 and guestId = ?2", tenant, guestId);
            links.forget(List.of(guestId), now, cause);
        }
        int leads = 0;
        if (!leadIds.isEmpty()) {
            for (LeadEntity lead : LeadEntity.<LeadEntity>find("id in ?1 order by id", leadIds)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
                lead.guestName = null;
                lead.guestEmail = null;
                lead.guestPhone = null;
                lead.language = null;
                lead.message = null;
                lead.pmsProfileId = null;
                lead.guestId = null;
                if (lead.erasedAt == null) {
                    lead.erasedAt = now;
                }
                lead.updatedAt = now;
                leads++;
            }
            for (TaskEntity task : TaskEntity.<TaskEntity>find("leadId in ?1 order by id", leadIds)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
                if (task.guestId != null) {
                    tasks.guestLinked(task, null, now, cause);
                    unlinked++;
                }
            }
        }
        if (!reservationKeys.isEmpty()) {
            for (ReservationStateEntity state : ReservationStateEntity.<ReservationStateEntity>list(
                    "reservationKey in ?1", reservationKeys)) {
                state.guestEmail = null;
                state.pmsProfileId = null;
                state.updatedAt = now;
            }
        }
        // Survey answers keep their scores (figures) but no longer name the guest (the comment was never kept).
        entityManager.createNativeQuery("""
                update survey_response set guest_id = null, updated_at = :now where tenant = :tenant
                  and guest_id is not null
                  and (guest_id = :guest or (tenant || ':' || hotel_code || ':' || pms_reservation_id) in (:reservations))""")
                .setParameter("now", now).setParameter("tenant", tenant).setParameter("guest", guestId == null ? "" : guestId)
                .setParameter("reservations", reservationKeys.isEmpty() ? NOTHING : reservationKeys).executeUpdate();
        if (guestId != null) {
            entityManager.createNativeQuery("update campaign_send set guest_id = null, contact_ref = null"
                    + " where tenant = ?1 and guest_id = ?2").setParameter(1, tenant).setParameter(2, guestId).executeUpdate();
            entityManager.createNativeQuery("update campaign_click set guest_id = null where tenant = ?1 and guest_id = ?2")
                    .setParameter(1, tenant).setParameter(2, guestId).executeUpdate();
        }
        if (!profiles.isEmpty()) {
            entityManager.createNativeQuery(
                    "delete from guest_link where tenant = :tenant and (pms_system || '|' || pms_profile_id) in (:profiles)")
                    .setParameter("tenant", tenant).setParameter("profiles", profileKeys).executeUpdate();
        }
        entityManager.createNativeQuery("""
                insert into erasure_applied (erasure_id, tenant, leads_erased, reservations_erased, tasks_unlinked,
                                             applied_at)
                values (cast(?1 as uuid), ?2, ?3, ?4, ?5, ?6) on conflict (erasure_id) do nothing""")
                .setParameter(1, request.getErasureId().toString()).setParameter(2, tenant).setParameter(3, leads)
                .setParameter(4, reservationKeys.size()).setParameter(5, unlinked).setParameter(6, now)
                .executeUpdate();
        LOG.infof("Erasure %s of tenant %s applied: %d lead(s) and %d reservation(s) without personal data, %d "
                + "task(s) no longer name the guest (event %s).", request.getErasureId(), tenant, leads,
                reservationKeys.size(), unlinked, request.getMetadata().getEventId());
    }

    private static List<String> strings(List<?> rows) {
        return rows.stream().map(Object::toString).toList();
    }
}
