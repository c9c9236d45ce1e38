package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.CommunicationStatus;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentPurpose;
import org.guestcrm.optout.domain.ConsentSource;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.persistence.ConsentLedgerStore;
import org.guestcrm.optout.persistence.ContactPointLocks;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Applies a batch of crm.communications events in the one transaction {@code BatchIntake} opened. A hard bounce
 * withdraws the contact point's channel for every purpose (transactional mail needs no consent and is not stopped), a
 * complaint withdraws marketing (source COMPLAINT), soft bounces are counted and {@code optout.bounces.soft-bounces-as-hard} of them in a
 * row act as a hard bounce; an open or a click (delivery proven) starts the count again. Source BOUNCE, actor the
 * event's source, detail {@code hard-bounce}, {@code soft-bounces:<n>} or {@code complaint}, evidence the event id;
 * each change is published and written back like any other. In bulk: the batch's contact points locked in one
 * statement in key order, their soft-bounce counts read in one query, counted in memory in offset order and written in
 * one or two statements, the withdrawals recorded by {@link ConsentLedger} (a fixed number of statements per batch). A bounce or complaint without a contact point or tenant can never be applied: dead-lettered.
 */
@ApplicationScoped
public class BounceHandler implements IntakeHandler<CommunicationEvent> {

    private static final Logger LOG = Logger.getLogger(BounceHandler.class);

    @Inject
    OptoutConfig config;
    @Inject
    ConsentLedger ledger;
    @Inject
    ConsentLedgerStore store;
    @Inject
    ContactPointLocks locks;

    @Override
    public String consumer() {
        return config.serviceName() + "-communications";
    }

    @Override
    public Class<CommunicationEvent> recordType() {
        return CommunicationEvent.class;
    }

    @Override
    public UUID eventIdOf(CommunicationEvent event) {
        EventMetadata metadata = event.getMetadata();
        if (metadata == null || metadata.getEventId() == null || metadata.getOccurredAt() == null) {
            throw new PoisonRecordException("CommunicationEvent without event metadata (eventId, occurredAt)");
        }
        if (concernsConsent(event)) {
            if (tenantOf(event) == null) {
                throw new PoisonRecordException("CommunicationEvent " + metadata.getEventId() + " cannot be applied: no tenantId");
            }
            if (contactPointOf(event).isEmpty()) {
                throw new PoisonRecordException("CommunicationEvent " + metadata.getEventId() + " (" + event.getStatus()
                        + ") cannot be applied: no usable contactPoint for channel " + event.getChannel());
            }
            if (event.getStatus() == CommunicationStatus.BOUNCED && event.getBounceType() != null
                    && !List.of("HARD", "SOFT").contains(event.getBounceType())) {
                throw new PoisonRecordException("CommunicationEvent " + metadata.getEventId()
                        + " cannot be applied: bounceType is neither HARD nor SOFT");
            }
        }
        return metadata.getEventId();
    }

    /**
     * Only bounces, complaints and proofs of delivery (opened, clicked) matter here: the scheduled, sent, cancelled ...
     * events (five of every booking's six) are acknowledged without any database work.
     */
    @Override
    public boolean wants(CommunicationEvent event) {
        return concernsConsent(event) || provesDelivery(event);
    }

    @Override
    public void apply(List<IntakeRecord<CommunicationEvent>> records) {
        Instant now = Instant.now();
        Set<ConsentLedgerStore.TenantValue> points = new LinkedHashSet<>();
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            if (concernsConsent(event) || provesDelivery(event)) {
                contactPointOf(event).ifPresent(cp -> points.add(new ConsentLedgerStore.TenantValue(tenantOf(event), cp.value())));
            }
        }
        if (points.isEmpty()) {
            return;
        }
        // The batch's contact points are locked before their soft-bounce counts are read (the ledger locks them again,
        // which is free within the transaction).
        locks.lockAll(points.stream().map(p -> ContactPointLocks.key(p.tenant(), p.value())).toList());
        Map<String, Integer> held = store.softBounces(points);
        Map<String, ConsentLedgerStore.SoftBounceCount> counts = new LinkedHashMap<>();
        List<ConsentLedger.Said> said = new ArrayList<>();
        for (IntakeRecord<CommunicationEvent> record : records) {
            CommunicationEvent event = record.value();
            Optional<ContactPoint> point = contactPointOf(event);
            String tenant = tenantOf(event);
            if (point.isEmpty() || tenant == null || !(concernsConsent(event) || provesDelivery(event))) {
                continue;
            }
            String key = tenant + "\n" + point.get().value();
            Instant at = event.getMetadata().getOccurredAt();
            int inARow = counts.containsKey(key) ? counts.get(key).consecutive() : held.getOrDefault(key, 0);
            if (provesDelivery(event)) {
                counts.put(key, new ConsentLedgerStore.SoftBounceCount(tenant, point.get().value(), 0, at));
                continue;
            }
            ConsentChannel channel = event.getChannel() == CommunicationChannel.SMS ? ConsentChannel.SMS : ConsentChannel.EMAIL;
            if (event.getStatus() == CommunicationStatus.COMPLAINED) {
                withdraw(said, tenant, point.get(), channel, List.of(ConsentPurpose.MARKETING), ConsentSource.COMPLAINT,
                        "complaint", event);
            } else if ("SOFT".equals(event.getBounceType())) {
                inARow++;
                if (inARow >= config.bounces().softBouncesAsHard()) {
                    withdraw(said, tenant, point.get(), channel, List.of(ConsentPurpose.values()), ConsentSource.BOUNCE,
                            "soft-bounces:" + inARow, event);
                    inARow = 0;
                }
                counts.put(key, new ConsentLedgerStore.SoftBounceCount(tenant, point.get().value(), inARow, at));
            } else {
                withdraw(said, tenant, point.get(), channel, List.of(ConsentPurpose.values()), ConsentSource.BOUNCE,
                        "hard-bounce", event);
                counts.put(key, new ConsentLedgerStore.SoftBounceCount(tenant, point.get().value(), 0, at));
            }
        }
        store.saveSoftBounces(counts.values());
        int changes = ledger.apply(said, true, now).size();
        LOG.debugf("Batch of %d communication event(s): %d consent change(s).", records.size(), changes);
    }

    private static void withdraw(List<ConsentLedger.Said> said, String tenant, ContactPoint point, ConsentChannel channel,
            List<ConsentPurpose> purposes, ConsentSource source, String detail, CommunicationEvent event) {
        EventMetadata metadata = event.getMetadata();
        for (ConsentPurpose purpose : purposes) {
            said.add(new ConsentLedger.Said(tenant, new ConsentStatement(point, channel, purpose, ConsentStatus.WITHDRAWN, source,
                    metadata.getOccurredAt()), metadata.getSource(), detail, metadata.getEventId().toString(), null, null, null,
                    metadata.getCorrelationId(), metadata.getEventId().toString()));
        }
    }

    private static boolean concernsConsent(CommunicationEvent event) {
        return event.getStatus() == CommunicationStatus.BOUNCED || event.getStatus() == CommunicationStatus.COMPLAINED;
    }

    private static boolean provesDelivery(CommunicationEvent event) {
        return event.getStatus() == CommunicationStatus.OPENED || event.getStatus() == CommunicationStatus.CLICKED;
    }

    private static String tenantOf(CommunicationEvent event) {
        String tenant = event.getTenantId() != null && !event.getTenantId().isBlank() ? event.getTenantId()
                : event.getMetadata() == null ? null : event.getMetadata().getTenantId();
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    /** The contact point the communication went to, normalised again (e-mail for EMAIL, E.164 or digits for SMS). */
    private static Optional<ContactPoint> contactPointOf(CommunicationEvent event) {
        String value = event.getContactPoint();
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return event.getChannel() == CommunicationChannel.SMS ? ContactPoint.phone(value)
                : value.contains("@") ? ContactPoint.email(value) : Optional.empty();
    }
}
