package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.config.SuppressionKeys;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.persistence.ConsentLedgerStore.TenantValue;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.ContactPointLocks;
import org.guestcrm.optout.persistence.ErasureStore;
import org.guestcrm.optout.persistence.GuestDirectory;
import org.guestcrm.optout.persistence.KnownContactPoints;
import org.guestcrm.optout.persistence.PreferenceCentreStore;
import org.guestcrm.optout.persistence.SourceProfileStore;
import org.guestcrm.optout.persistence.SourceProfileStore.Holder;
import org.guestcrm.optout.persistence.SourceProfileStore.TenantContactPoint;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Executes a confirmed erasure (the guest in the preference centre, or staff through the API) in the caller's
 * transaction, and asks the other services to do theirs: the person is the contact point asked for, the golden guest
 * holding it (crm.guests) with all its contact points, and every contact point of the PMS profiles holding any of them.
 * Then, in order: every consent still GRANTED is withdrawn (ConsentChanged WITHDRAWN, the PMS written back), each of
 * their crm.consents keys gets a tombstone (compaction forgets the address), this service's rows of those contact
 * points are deleted ({@link ErasureStore}), each leaves only a keyed suppression hash, the request is recorded (by
 * hash) and ErasureRequested goes to crm.erasures (pseudonyms only) through the outbox: all in one commit.
 */
@ApplicationScoped
public class Erasures {

    private static final Logger LOG = Logger.getLogger(Erasures.class);

    @Inject
    OptoutConfig config;
    @Inject
    GuestDirectory guests;
    @Inject
    SourceProfileStore profiles;
    @Inject
    ContactPointLocks locks;
    @Inject
    ConsentRecorder recorder;
    @Inject
    ErasureStore store;
    @Inject
    PreferenceCentreStore requests;
    @Inject
    SuppressionKeys suppressionKeys;
    @Inject
    Outbox outbox;
    @Inject
    EntityManager entityManager;

    /** Who asked: the guest (their own session) or a staff member (the token's subject). */
    public record Requester(ErasureRequester kind, String actor, String evidence) {
    }

    /** What was erased: the request's id, the guest, the references of the contact points, the PMS profiles. */
    public record Outcome(UUID erasureId, String guestId, List<String> contactPointRefs, int sourceProfiles) {
    }

    /** The person to erase: the golden guest (if one), their contact points, the PMS profiles holding them. */
    public record Person(String guestId, Set<ContactPoint> contactPoints, Map<String, SourceProfileRef> sourceProfiles) {
    }

    /**
     * Erases the person holding {@code contactPoint} and/or golden guest {@code guestId} (either may be null, not both),
     * and publishes ErasureRequested on crm.erasures for the other services.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Outcome execute(String tenant, ContactPoint contactPoint, String guestId, Requester requester) {
        if (contactPoint == null && guestId == null) {
            throw new IllegalArgumentException("An erasure needs a contact point or a guest");
        }
        Person person = personOf(tenant, contactPoint == null ? List.of() : List.of(contactPoint), guestId, List.of());
        String subject = contactPoint != null ? suppressionKeys.hash(tenant, contactPoint) : "guest:" + person.guestId();
        return erase(tenant, person, UUID.randomUUID(), requester, subject, true);
    }

    /**
     * Who is erased: the contact points given, the golden guest {@code guestId} (its survivor if merged) or else the one
     * guest holding the first of them, every contact point of that guest, the PMS profiles holding any of them (and
     * those named in {@code namedProfiles}, {@code pmsSystem:pmsProfileId}) with all their contact points.
     */
    public Person personOf(String tenant, Collection<ContactPoint> contactPoints, String guestId, Collection<SourceProfileRef> namedProfiles) {
        String guest = guestId != null ? guests.survivorOf(tenant, guestId).orElse(guestId)
                : contactPoints.isEmpty() ? null
                : guests.soleHolders(List.of(new TenantValue(tenant, contactPoints.iterator().next().value())))
                        .get(tenant + "\n" + contactPoints.iterator().next().value());
        Set<ContactPoint> points = new LinkedHashSet<>(contactPoints);
        if (guest != null) {
            points.addAll(guests.contactPointsOf(tenant, guest));
        }
        if (!namedProfiles.isEmpty()) {
            points.addAll(store.contactPointsOfProfiles(tenant, namedProfiles.stream().map(SourceProfileRef::getPmsSystem).toList(),
                    namedProfiles.stream().map(SourceProfileRef::getPmsProfileId).toList()));
        }
        for (ContactPoint point : List.copyOf(points)) {
            points.addAll(profiles.heldWith(tenant, point, null));
        }
        Map<String, SourceProfileRef> sourceProfiles = new LinkedHashMap<>();
        for (SourceProfileRef named : namedProfiles) {
            sourceProfiles.putIfAbsent(named.getPmsSystem() + ":" + named.getPmsProfileId(), named);
        }
        for (Holder holder : profiles.holders(points.stream().map(p -> new TenantContactPoint(tenant, p)).toList())) {
            sourceProfiles.putIfAbsent(holder.pmsSystem() + ":" + holder.pmsProfileId(), SourceProfileRef.newBuilder()
                    .setPmsSystem(holder.pmsSystem()).setPmsProfileId(holder.pmsProfileId()).build());
        }
        return new Person(guest, points, sourceProfiles);
    }

    /**
     * Executes the erasure of {@code person} here: grants withdrawn, keys tombstoned, rows deleted, suppressions kept, the
     * request recorded under {@code subject}; and, when {@code publish} (this service took the request), ErasureRequested
     * on crm.erasures. An erasure another service published is never published again ({@code publish} false).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Outcome erase(String tenant, Person person, UUID erasureId, Requester requester, String subject, boolean publish) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String correlation = erasureId.toString();
        Set<ContactPoint> points = person.contactPoints();
        locks.lockAll(points.stream().map(p -> ContactPointLocks.key(tenant, p.value())).toList());

        // Whoever still acts on a grant (the journey-service's copy of crm.consents) hears the withdrawal first; the PMS
        // profiles get their marketing flags written back. Then the tombstones make compaction forget the keys.
        ConsentSource source = !publish ? ConsentSource.API
                : requester.kind() == ErasureRequester.GUEST ? ConsentSource.PREFERENCE_CENTRE : ConsentSource.FRONT_DESK;
        ConsentRecorder.Provenance provenance = new ConsentRecorder.Provenance(requester.actor(), "erasure",
                requester.evidence(), correlation);
        List<String> consentKeys = new ArrayList<>();
        for (ContactPoint point : points) {
            for (ConsentStateEntity state : ConsentStateEntity.listFor(tenant, point.value())) {
                consentKeys.add(ConsentFromProfileHandler.consentKey(tenant, state.channel, state.purpose, state.scope, point.value()));
                if (ConsentStatus.GRANTED.name().equals(state.status)) {
                    // Never older than the grant it ends (a PMS clock ahead): on equal time the opt-out wins.
                    Instant at = state.effectiveAt.isAfter(now) ? state.effectiveAt : now;
                    recorder.record(tenant, new ConsentStatement(point, ConsentChannel.valueOf(state.channel),
                            ConsentPurpose.valueOf(state.purpose), ConsentStatus.WITHDRAWN, source, at, state.scope), provenance);
                }
            }
        }
        for (String key : consentKeys) {
            outbox.addTombstone(Topic.CRM_CONSENTS, key, UUID.randomUUID(), correlation);
        }
        entityManager.flush();
        int deleted = store.erase(tenant, points, consentKeys);
        if (person.guestId() != null) {
            deleted += guests.forgetDetails(tenant, person.guestId());
        }

        List<String> refs = new ArrayList<>();
        for (ContactPoint point : points) {
            refs.add(KnownContactPoints.refOf(tenant, point));
            store.suppress(tenant, suppressionKeys.hash(tenant, point), "ERASURE", now);
        }
        requests.addRequest(tenant, subject, "ERASURE", "EXECUTED", "erasure=" + erasureId + " by=" + requester.kind()
                + (publish ? "" : " received") + " contactPoints=" + points.size() + " profiles=" + person.sourceProfiles().size(), now);

        if (publish) {
            ErasureRequested event = ErasureRequested.newBuilder()
                    .setMetadata(EventMetadata.newBuilder()
                            .setEventId(UUID.randomUUID())
                            .setEventType(ErasureRequested.class.getSimpleName())
                            .setOccurredAt(now)
                            .setSource(config.serviceName())
                            .setTenantId(tenant)
                            .setCorrelationId(correlation)
                            .setCausationId(null)
                            .setSchemaVersion(1)
                            .build())
                    .setErasureId(erasureId)
                    .setGuestId(person.guestId())
                    .setContactPointRefs(refs)
                    .setSourceProfiles(new ArrayList<>(person.sourceProfiles().values()))
                    .setRequestedBy(requester.kind())
                    .setConfirmedAt(now)
                    .build();
            String subjectRef = person.guestId() != null ? person.guestId() : refs.isEmpty() ? erasureId.toString() : refs.get(0);
            outbox.add(Topic.CRM_ERASURES, tenant + ":" + subjectRef, event);
        }
        LOG.infof("Erasure %s executed in tenant %s (%s%s): %d contact point(s), %d PMS profile(s), %d row(s) deleted.",
                erasureId, tenant, requester.kind(), publish ? "" : ", received on crm.erasures", points.size(),
                person.sourceProfiles().size(), deleted);
        return new Outcome(erasureId, person.guestId(), refs, person.sourceProfiles().size());
    }
}
