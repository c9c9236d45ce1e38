package org.guestcrm.profile.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.persistence.ErasureMarkers;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Applies crm.erasures ({@link ErasureRequested}) in the batch's transaction: the request names the guest by
 * {@code guestId} (an alias resolves to its survivor), by {@code contactPointRefs} (the ContactPointRef stored beside
 * each of the guest's contact points, V19) and by {@code sourceProfiles} (the PMS profiles it holds); every live guest
 * of the tenant so named is erased by {@link GuestErasure} (suppression markers, personal data deleted, a last
 * GuestUpdated without personal data and tombstones on crm.guests). The named PMS profiles get suppression markers even
 * when no guest holds them yet, so a feed sending them later creates nothing.
 *
 * <p>Idempotent: the batch's event ids are deduplicated by {@code BatchIntake}; a replay of the request under another
 * event id finds its guests already erased (an erased guest is never erased twice) and its row in
 * {@code erasure_request} kept. A request naming nobody known is recorded there as done with nothing erased (counter
 * {@code guestcrm_profile_erasure_requests_total{outcome="nothing_held"}}), not an error. Logged with ids only.
 */
@ApplicationScoped
public class ErasureRequestHandler implements IntakeHandler<ErasureRequested> {

    private static final Logger LOG = Logger.getLogger(ErasureRequestHandler.class);

    @Inject
    EntityManager entityManager;
    @Inject
    GuestErasure erasure;
    @Inject
    ErasureMarkers markers;
    @Inject
    ProfileConfig config;
    @Inject
    MeterRegistry meters;

    @Override
    public String consumer() {
        return config.serviceName() + ":erasures";
    }

    @Override
    public Class<ErasureRequested> recordType() {
        return ErasureRequested.class;
    }

    @Override
    public UUID eventIdOf(ErasureRequested request) {
        EventMetadata metadata = request.getMetadata();
        if (metadata == null || metadata.getEventId() == null || blank(metadata.getTenantId())) {
            throw new PoisonRecordException("ErasureRequested without event metadata (eventId, tenantId)");
        }
        if (request.getErasureId() == null) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId() + " lacks erasureId");
        }
        if (request.getGuestId() != null && uuid(request.getGuestId()) == null) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId() + ": guestId is not a UUID");
        }
        for (String ref : request.getContactPointRefs()) {
            if (!ContactPointRef.looksLikeRef(ref)) {
                throw new PoisonRecordException("ErasureRequested " + metadata.getEventId()
                        + ": contactPointRefs holds a value that is no ContactPointRef (cp1_...)");
            }
        }
        for (SourceProfileRef ref : request.getSourceProfiles()) {
            if (blank(ref.getPmsSystem()) || blank(ref.getPmsProfileId())) {
                throw new PoisonRecordException("ErasureRequested " + metadata.getEventId()
                        + ": sourceProfiles holds an entry without pmsSystem or pmsProfileId");
            }
        }
        return metadata.getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<ErasureRequested>> records) {
        for (IntakeRecord<ErasureRequested> record : records) {
            handle(record.value());
        }
    }

    private void handle(ErasureRequested request) {
        String tenant = request.getMetadata().getTenantId();
        UUID erasureId = request.getErasureId();
        Instant now = Instant.now();
        Set<UUID> named = new LinkedHashSet<>();
        if (request.getGuestId() != null) {
            named.add(uuid(request.getGuestId()));
        }
        if (!request.getContactPointRefs().isEmpty()) {
            named.addAll(guestsHolding(tenant, request.getContactPointRefs()));
        }
        List<SourceProfileKey> profiles = new ArrayList<>();
        for (SourceProfileRef ref : request.getSourceProfiles()) {
            profiles.add(new SourceProfileKey(tenant, ref.getPmsSystem(), ref.getPmsProfileId()));
        }
        if (!profiles.isEmpty()) {
            SourceProfileEntity.findByKeysWithGuests(profiles).guestOf().values().forEach(named::add);
        }
        // The live guests named: of this tenant, aliases followed to their survivor, erased ones left out.
        Set<UUID> toErase = new LinkedHashSet<>();
        Set<UUID> seen = new HashSet<>();
        for (UUID id : named) {
            UUID survivor = survivorOf(tenant, id, seen);
            if (survivor != null) {
                toErase.add(survivor);
            }
        }
        int erased = 0;
        for (UUID guestId : toErase.stream().sorted().toList()) {
            erasure.erase(guestId, "erasure request " + erasureId, erasureId);
            erased++;
        }
        // The named PMS profiles stay suppressed even if no guest held them yet (a feed sending them later).
        if (!profiles.isEmpty()) {
            markers.add(profiles.stream().map(ErasureMarkers::of).distinct().toList(), erasureId, now);
        }
        int recorded = entityManager.createNativeQuery("""
                insert into erasure_request (tenant, erasure_id, requested_by, confirmed_at, handled_at, guests_erased)
                values (?1, ?2, ?3, ?4, ?5, ?6)
                on conflict (tenant, erasure_id) do update set guests_erased = erasure_request.guests_erased + excluded.guests_erased,
                    handled_at = excluded.handled_at""")
                .setParameter(1, tenant).setParameter(2, erasureId)
                .setParameter(3, request.getRequestedBy() == null ? "UNKNOWN" : request.getRequestedBy().name())
                .setParameter(4, request.getConfirmedAt()).setParameter(5, now).setParameter(6, erased)
                .executeUpdate();
        String outcome = erased > 0 ? "erased" : "nothing_held";
        meters.counter("guestcrm_profile_erasure_requests_total", "outcome", outcome).increment();
        LOG.infof("Erasure request %s of tenant %s (%s): %d guest(s) erased%s.", erasureId, tenant,
                request.getRequestedBy(), erased, erased == 0 ? ", nobody held is named (recorded as done)" : "");
        if (recorded != 1) {
            throw new IllegalStateException("erasure request " + erasureId + " was not recorded");
        }
    }

    /** The guests of the tenant holding a contact point with one of these references, in one query. */
    private List<UUID> guestsHolding(String tenant, List<String> refs) {
        List<?> rows = entityManager.createNativeQuery(
                "select distinct guest_id from guest_contact_point where tenant = ?1 and ref = any(?2)")
                .setParameter(1, tenant).setParameter(2, refs.toArray(String[]::new)).getResultList();
        return rows.stream().map(row -> row instanceof UUID u ? u : UUID.fromString(row.toString())).toList();
    }

    /** The live guest this id stands for in the tenant (an alias's survivor), or null (unknown, other tenant, erased). */
    private static UUID survivorOf(String tenant, UUID id, Set<UUID> seen) {
        UUID current = id;
        while (current != null && seen.add(current)) {
            GuestEntity guest = GuestEntity.findById(current);
            if (guest == null || !tenant.equals(guest.tenant)) {
                return null;
            }
            if (guest.mergedInto == null) {
                return guest.erasedAt == null ? guest.id : null;
            }
            current = guest.mergedInto;
        }
        return null;
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
