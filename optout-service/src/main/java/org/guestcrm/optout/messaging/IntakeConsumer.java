package org.guestcrm.optout.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;
import org.guestcrm.schemas.Topic;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The service's five input topics through ONE Kafka consumer (channel {@code intake-in}, {@code batch=true}, raw
 * bytes, group {@code optout-service}; issue 5: five consumers each paid their own fetches, poll thread, heartbeats
 * and SmallRye dispatch for mostly empty polls). Each polled batch is split by topic and every topic's records go, in
 * offset order, to the platform's {@link BatchIntake} with that topic's handler (one transaction per topic and batch,
 * dead letters, transient pauses as before): pms.profiles ({@link ConsentFromProfileHandler}), crm.guests
 * ({@link GuestUpdatedHandler}), crm.guest-merges ({@link GuestMergeHandler}), crm.communications (headers first:
 * {@link CommunicationEventConsumer}, then {@link BounceHandler}), crm.erasures ({@link ErasureRequestedHandler}).
 * The offsets of the whole poll are committed once every topic's records are settled. Per partition the order is the
 * log's, as before; across topics the five consumers ran in any interleaving, and one after another is one of those.
 * What is coupled now: a topic's transient pause (database away) holds back the other topics' records of the poll.
 */
@ApplicationScoped
public class IntakeConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ConsentFromProfileHandler profiles;
    @Inject
    GuestUpdatedHandler guests;
    @Inject
    GuestMergeHandler merges;
    @Inject
    CommunicationEventConsumer communications;
    @Inject
    ErasureRequestedHandler erasures;

    @Incoming("intake-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        if (batch.isEmpty()) {
            return;
        }
        var profileRecords = batch.records(Topic.PMS_PROFILES.topicName());
        if (profileRecords.iterator().hasNext()) {
            intake.process(profiles, profileRecords);
        }
        var guestRecords = batch.records(Topic.CRM_GUESTS.topicName());
        if (guestRecords.iterator().hasNext()) {
            intake.process(guests, guestRecords);
        }
        var mergeRecords = batch.records(Topic.CRM_GUEST_MERGES.topicName());
        if (mergeRecords.iterator().hasNext()) {
            intake.process(merges, mergeRecords);
        }
        var communicationRecords = batch.records(Topic.CRM_COMMUNICATIONS.topicName());
        if (communicationRecords.iterator().hasNext()) {
            communications.consume(communicationRecords);
        }
        var erasureRecords = batch.records(Topic.CRM_ERASURES.topicName());
        if (erasureRecords.iterator().hasNext()) {
            intake.process(erasures, erasureRecords);
        }
    }
}
