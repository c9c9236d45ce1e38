package org.guestcrm.journey.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads crm.guest-merges (GuestMerged, GuestSplit) through {@link BatchIntake} (idempotent, one transaction per batch,
 * records that can never apply dead-lettered to crm.guest-merges.dlq, transient failures waited out).
 */
@ApplicationScoped
public class GuestMergedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    GuestMergeHandler handler;

    @Incoming("guest-merges-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
