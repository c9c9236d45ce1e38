package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.Suppressions;
import org.guestcrm.optout.persistence.ContactPointLocks;
import org.guestcrm.optout.persistence.ErasureStore;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.erasures from other services (the staff desk, the profile service): the person is erased here as in this
 * service's own erasures ({@link Erasures}: grants withdrawn, keys tombstoned, rows deleted, keyed suppressions kept),
 * but never published again (no loop). This service's own ErasureRequested records are not wanted: they were executed
 * in the commit that published them. The contact points come from the references this service holds
 * ({@code known_contact_point}), the guest's and the named PMS profiles' contact points; a reference held by nobody
 * here is kept as a suppression of the reference itself ({@code ref:cp1_...}, the pseudonym the topic carries), so the
 * address is not granted when a PMS profile brings it later. A replay of one request (same {@code erasureId}) changes
 * nothing. Erasures are rare: the batch's contact points are locked in one statement, then each request is executed.
 */
@ApplicationScoped
public class ErasureRequestedHandler implements IntakeHandler<ErasureRequested> {

    private static final Logger LOG = Logger.getLogger(ErasureRequestedHandler.class);

    @Inject
    OptoutConfig config;
    @Inject
    Erasures erasures;
    @Inject
    KnownContactPoints known;
    @Inject
    ErasureStore store;
    @Inject
    ContactPointLocks locks;

    @Override
    public String consumer() {
        return config.serviceName() + "-erasures";
    }

    @Override
    public Class<ErasureRequested> recordType() {
        return ErasureRequested.class;
    }

    /** Our own erasures were executed when published. */
    @Override
    public boolean wants(ErasureRequested value) {
        EventMetadata metadata = value.getMetadata();
        return metadata == null || !config.serviceName().equals(metadata.getSource());
    }

    @Override
    public UUID eventIdOf(ErasureRequested value) {
        EventMetadata metadata = value.getMetadata();
        if (metadata == null || metadata.getEventId() == null) {
            throw new PoisonRecordException("ErasureRequested without event metadata (eventId)");
        }
        if (metadata.getTenantId() == null || metadata.getTenantId().isBlank()) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId() + " cannot be applied: no tenantId");
        }
        if (value.getErasureId() == null) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId() + " cannot be applied: no erasureId");
        }
        boolean guest = value.getGuestId() != null && !value.getGuestId().isBlank();
        boolean refs = value.getContactPointRefs() != null && !value.getContactPointRefs().isEmpty();
        boolean profiles = value.getSourceProfiles() != null && !value.getSourceProfiles().isEmpty();
        if (!guest && !refs && !profiles) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId()
                    + " cannot be applied: no guestId, contactPointRefs or sourceProfiles");
        }
        if (refs && value.getContactPointRefs().stream().anyMatch(r -> !ContactPointRef.looksLikeRef(r))) {
            throw new PoisonRecordException("ErasureRequested " + metadata.getEventId()
                    + " cannot be applied: contactPointRefs holds a value that is no contact-point reference");
        }
        return metadata.getEventId();
    }

    private record Planned(ErasureRequested request, String tenant, Erasures.Person person, List<String> unresolved) {
    }

    @Override
    public void apply(List<IntakeRecord<ErasureRequested>> records) {
        List<Planned> planned = new ArrayList<>();
        Set<String> lockKeys = new LinkedHashSet<>();
        Set<String> seen = new java.util.HashSet<>();
        int replays = 0;
        for (IntakeRecord<ErasureRequested> record : records) {
            ErasureRequested request = record.value();
            String tenant = request.getMetadata().getTenantId();
            if (!seen.add(tenant + "\n" + request.getErasureId()) || store.executed(tenant, request.getErasureId())) {
                replays++;
                continue;
            }
            List<ContactPoint> points = new ArrayList<>();
            List<String> unresolved = new ArrayList<>();
            for (String ref : request.getContactPointRefs()) {
                known.resolve(tenant, ref).ifPresentOrElse(points::add, () -> unresolved.add(ref));
            }
            String guestId = request.getGuestId() == null || request.getGuestId().isBlank() ? null : request.getGuestId();
            Erasures.Person person = erasures.personOf(tenant, points, guestId, request.getSourceProfiles());
            person.contactPoints().forEach(p -> lockKeys.add(ContactPointLocks.key(tenant, p.value())));
            planned.add(new Planned(request, tenant, person, unresolved));
        }
        // One statement, in key order, before any change: the batch never waits for a lock while holding another.
        locks.lockAll(List.copyOf(lockKeys));
        Instant now = Instant.now();
        for (Planned p : planned) {
            ErasureRequested request = p.request();
            EventMetadata metadata = request.getMetadata();
            Erasures.Requester requester = new Erasures.Requester(request.getRequestedBy(),
                    "erasure:" + metadata.getSource(), "event:" + metadata.getEventId());
            String subject = p.person().guestId() != null ? "guest:" + p.person().guestId() : "erasure:" + request.getErasureId();
            for (String ref : p.unresolved()) {
                store.suppress(p.tenant(), Suppressions.REF_PREFIX + ref, "ERASURE", now);
            }
            erasures.erase(p.tenant(), p.person(), request.getErasureId(), requester, subject, false);
            if (!p.unresolved().isEmpty()) {
                LOG.infof("Erasure %s: %d reference(s) not held here, kept as suppressed references.", request.getErasureId(),
                        p.unresolved().size());
            }
        }
        LOG.debugf("Batch of %d erasure record(s): %d executed, %d replay(s) of executed erasures.", records.size(),
                planned.size(), replays);
    }
}
