package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.guestcrm.desk.persistence.GuestLinkEntity;
import org.guestcrm.desk.persistence.GuestSeenEntity;
import org.guestcrm.desk.persistence.LeadEntity;
import org.guestcrm.desk.persistence.ReservationStateEntity;
import org.guestcrm.desk.persistence.TaskEntity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The golden guestId of the desk's leads and tasks, from the PMS profiles each guest of crm.guests lists: the links
 * (profile -> guest), and moving leads and tasks when a profile changes hands (a guest update, a merge, a split) or a
 * guest is gone (tombstone). In the caller's transaction; leads are locked before their tasks (the desk's lock order).
 * Every task whose guestId really changes (set, moved to another guest, or cleared) publishes one TaskChanged
 * GUEST_LINKED through {@link TaskLedger}; a record that leaves a task's guest as it was publishes nothing.
 */
@ApplicationScoped
public class GuestLinks {

    @Inject
    TaskLedger tasks;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;
    @Inject
    jakarta.persistence.EntityManager entityManager;

    /** A PMS profile of a tenant. */
    public record Profile(String tenant, String pmsSystem, String pmsProfileId) {
        String key() {
            return GuestLinkEntity.keyOf(tenant, pmsSystem, pmsProfileId);
        }
    }

    private static final int LONGEST_MERGE_CHAIN = 20;

    /** The guests holding these profiles, by link key (profiles nobody holds yet are absent). */
    public Map<String, String> guestsOf(Collection<String> linkKeys) {
        Map<String, String> guests = new HashMap<>();
        if (linkKeys.isEmpty()) {
            return guests;
        }
        // Plain JDBC, one statement text whatever the number of keys (the reservations' hot path, issue 5).
        io.micrometer.core.instrument.Counter counter = meters.counter("desk.jdbc.statements", "table", "guest_link");
        return org.guestcrm.desk.persistence.Jdbc.work(entityManager, connection -> {
            try (java.sql.PreparedStatement select = connection.prepareStatement(
                    "select link_key, guest_id from guest_link where link_key = any(cast(? as varchar[]))")) {
                select.setArray(1, org.guestcrm.desk.persistence.Jdbc.texts(connection, new HashSet<>(linkKeys), k -> k));
                counter.increment();
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        guests.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return guests;
        });
    }

    /** The guest holding the primary guest's profile of a reservation, if known. */
    public String guestOfReservation(String reservationKey) {
        Optional<ReservationStateEntity> state = ReservationStateEntity.<ReservationStateEntity>find(
                "reservationKey", reservationKey).firstResultOptional();
        if (state.isEmpty() || state.get().pmsProfileId == null) {
            return null;
        }
        GuestLinkEntity link = GuestLinkEntity.findById(
                GuestLinkEntity.keyOf(state.get().tenant, state.get().pmsSystem, state.get().pmsProfileId));
        return link == null ? null : link.guestId;
    }

    /** The held state of these guests (locked), by guestId. */
    public Map<String, GuestSeenEntity> seen(Collection<String> guestIds) {
        Map<String, GuestSeenEntity> seen = new HashMap<>();
        if (!guestIds.isEmpty()) {
            GuestSeenEntity.<GuestSeenEntity>find("guestId in ?1 order by guestId", new HashSet<>(guestIds))
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list().forEach(g -> seen.put(g.guestId, g));
        }
        return seen;
    }

    /** Records the version of a guest applied (creating its row when first seen). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void saw(Map<String, GuestSeenEntity> held, String guestId, String tenant, long version, Instant now) {
        GuestSeenEntity seen = held.get(guestId);
        boolean fresh = seen == null;
        if (fresh) {
            seen = new GuestSeenEntity();
            seen.guestId = guestId;
            held.put(guestId, seen);
        }
        seen.tenant = tenant;
        seen.version = version;
        seen.updatedAt = now;
        if (seen.firstSeenAt == null) {
            seen.firstSeenAt = now;
        }
        if (fresh) {
            seen.persist();
        }
    }

    /**
     * These profiles now belong to these guests: the links are written, a guest's links to profiles it no longer lists
     * are dropped, and every lead of such a profile (with its tasks) and every lead-less task of a reservation of such
     * a profile carries the guest. Returns the number of leads whose guest changed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int link(Map<Profile, String> owners, Collection<String> completeGuests, Instant now,
                    Function<String, Cause> causeOf) {
        if (!completeGuests.isEmpty()) {
            Set<String> listed = new HashSet<>();
            owners.keySet().forEach(p -> listed.add(p.key()));
            GuestLinkEntity.<GuestLinkEntity>list("guestId in ?1", new HashSet<>(completeGuests)).stream()
                    .filter(link -> !listed.contains(link.linkKey)).forEach(link -> link.delete());
        }
        if (owners.isEmpty()) {
            return 0;
        }
        Map<String, String> byKey = new HashMap<>();
        Map<String, Profile> profiles = new HashMap<>();
        owners.forEach((profile, guest) -> {
            byKey.put(profile.key(), guest);
            profiles.put(profile.key(), profile);
        });
        Map<String, GuestLinkEntity> existing = new HashMap<>();
        GuestLinkEntity.<GuestLinkEntity>list("linkKey in ?1", byKey.keySet()).forEach(l -> existing.put(l.linkKey, l));
        for (Map.Entry<String, String> entry : byKey.entrySet()) {
            GuestLinkEntity link = existing.get(entry.getKey());
            if (link == null) {
                Profile p = profiles.get(entry.getKey());
                link = new GuestLinkEntity();
                link.linkKey = entry.getKey();
                link.tenant = p.tenant();
                link.pmsSystem = p.pmsSystem();
                link.pmsProfileId = p.pmsProfileId();
                link.guestId = entry.getValue();
                link.updatedAt = now;
                link.persist();
            } else if (!link.guestId.equals(entry.getValue())) {
                link.guestId = entry.getValue();
                link.updatedAt = now;
            }
        }
        Set<String> tenants = new HashSet<>();
        Set<String> profileIds = new HashSet<>();
        owners.keySet().forEach(p -> {
            tenants.add(p.tenant());
            profileIds.add(p.pmsProfileId());
        });
        Map<java.util.UUID, String> leadGuests = new HashMap<>();
        for (LeadEntity lead : LeadEntity.<LeadEntity>find("tenant in ?1 and pmsProfileId in ?2 order by id", tenants,
                profileIds).withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            if (lead.pmsSystem == null) {
                continue;
            }
            String guest = byKey.get(GuestLinkEntity.keyOf(lead.tenant, lead.pmsSystem, lead.pmsProfileId));
            if (guest != null && !guest.equals(lead.guestId)) {
                lead.guestId = guest;
                lead.updatedAt = now;
                leadGuests.put(lead.id, guest);
            }
        }
        if (!leadGuests.isEmpty()) {
            for (TaskEntity task : TaskEntity.<TaskEntity>find("leadId in ?1 order by id", leadGuests.keySet())
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
                String guest = leadGuests.get(task.leadId);
                relink(task, guest, now, causeOf.apply(guest));
            }
        }
        // Tasks without a lead (late documents) belong to a reservation: its primary guest's profile names the guest.
        Map<String, String> reservationGuests = new HashMap<>();
        Set<String> reservationIds = new HashSet<>();
        for (ReservationStateEntity state : ReservationStateEntity.<ReservationStateEntity>list(
                "tenant in ?1 and pmsProfileId in ?2", tenants, profileIds)) {
            String guest = byKey.get(GuestLinkEntity.keyOf(state.tenant, state.pmsSystem, state.pmsProfileId));
            if (guest != null) {
                reservationGuests.put(state.tenant + ":" + state.hotelCode + ":" + state.pmsReservationId, guest);
                reservationIds.add(state.pmsReservationId);
            }
        }
        if (!reservationIds.isEmpty()) {
            for (TaskEntity task : TaskEntity.<TaskEntity>find(
                    "leadId is null and tenant in ?1 and pmsReservationId in ?2 order by id", tenants, reservationIds)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
                String guest = reservationGuests.get(task.tenant + ":" + task.hotelCode + ":" + task.pmsReservationId);
                if (guest != null) {
                    relink(task, guest, now, causeOf.apply(guest));
                }
            }
        }
        return leadGuests.size();
    }

    /**
     * The guests {@code merged} live on in {@code survivor} (a GuestMerged): they are gone, their links, leads and
     * tasks move to the survivor (or to whoever the survivor was merged into since). Returns the guest they moved to.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String merge(String tenant, Collection<String> merged, String survivor, Instant now, Cause cause) {
        Set<String> ids = new HashSet<>(merged);
        ids.add(survivor);
        Map<String, GuestSeenEntity> held = seen(ids);
        String target = resolve(survivor, held);
        List<String> away = new ArrayList<>();
        for (String id : merged) {
            if (id == null || id.equals(target)) {
                continue;
            }
            away.add(id);
            GuestSeenEntity seen = held.get(id);
            boolean fresh = seen == null;
            if (fresh) {
                seen = new GuestSeenEntity();
                seen.guestId = id;
                seen.tenant = tenant;
                seen.version = 0;
            }
            seen.gone = true;
            seen.mergedInto = target;
            seen.updatedAt = now;
            if (fresh) {
                seen.persist();
            }
        }
        if (!away.isEmpty()) {
            moveTo(tenant, away, target, now, cause);
            // Campaign mails sent to the merged guests now count for the survivor's bookings (revenue attribution).
            entityManager.createNativeQuery("update campaign_send set guest_id = :target where tenant = :tenant"
                    + " and guest_id in (:away)").setParameter("target", target).setParameter("tenant", tenant)
                    .setParameter("away", away).executeUpdate();
            entityManager.createNativeQuery("update campaign_click set guest_id = :target where tenant = :tenant"
                    + " and guest_id in (:away)").setParameter("target", target).setParameter("tenant", tenant)
                    .setParameter("away", away).executeUpdate();
        }
        return target;
    }

    /**
     * Tombstones on crm.guests: these guests are gone (merged away or erased). Their links are dropped; their leads
     * and tasks move to the guest they were merged into when that is known, else no longer name a guest.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(Collection<String> guestIds, Instant now, Cause cause) {
        Map<String, GuestSeenEntity> held = seen(guestIds);
        for (String id : guestIds) {
            GuestSeenEntity seen = held.get(id);
            boolean fresh = seen == null;
            if (fresh) {
                seen = new GuestSeenEntity();
                seen.guestId = id;
                seen.version = 0;
                held.put(id, seen);
            }
            seen.gone = true;
            seen.updatedAt = now;
            if (fresh) {
                seen.persist();
            }
        }
        GuestLinkEntity.delete("guestId in ?1", new HashSet<>(guestIds));
        Map<String, String> successor = new HashMap<>();
        for (String id : guestIds) {
            String mergedInto = held.get(id).mergedInto;
            String target = mergedInto == null ? null : resolve(mergedInto, seen(List.of(mergedInto)));
            if (target != null && seen(List.of(target)).getOrDefault(target, new GuestSeenEntity()).gone) {
                target = null;
            }
            successor.put(id, target);
        }
        for (LeadEntity lead : LeadEntity.<LeadEntity>find("guestId in ?1 order by id", successor.keySet())
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            lead.guestId = successor.get(lead.guestId);
            lead.updatedAt = now;
        }
        for (TaskEntity task : TaskEntity.<TaskEntity>find("guestId in ?1 order by id", successor.keySet())
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            relink(task, successor.get(task.guestId), now, cause);
        }
    }

    private void moveTo(String tenant, List<String> from, String to, Instant now, Cause cause) {
        for (GuestLinkEntity link : GuestLinkEntity.<GuestLinkEntity>list("tenant = ?1 and guestId in ?2", tenant, from)) {
            link.guestId = to;
            link.updatedAt = now;
        }
        for (LeadEntity lead : LeadEntity.<LeadEntity>find("tenant = ?1 and guestId in ?2 order by id", tenant, from)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            lead.guestId = to;
            lead.updatedAt = now;
        }
        for (TaskEntity task : TaskEntity.<TaskEntity>find("tenant = ?1 and guestId in ?2 order by id", tenant, from)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            relink(task, to, now, cause);
        }
    }

    /** The task now belongs to {@code guestId} (null: to no known guest); a real change is published, a no-op not. */
    private void relink(TaskEntity task, String guestId, Instant now, Cause cause) {
        if (!Objects.equals(task.guestId, guestId)) {
            tasks.guestLinked(task, guestId, now, cause);
        }
    }

    /** Follows merges: the guest a (possibly merged-away) guest lives on in now. */
    private String resolve(String guestId, Map<String, GuestSeenEntity> held) {
        String current = guestId;
        for (int hop = 0; hop < LONGEST_MERGE_CHAIN; hop++) {
            GuestSeenEntity seen = held.containsKey(current) ? held.get(current) : GuestSeenEntity.findById(current);
            if (seen == null || seen.mergedInto == null || seen.mergedInto.equals(current)) {
                return current;
            }
            current = seen.mergedInto;
        }
        return current;
    }
}
