package org.guestcrm.journey.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads crm.guests (compacted, from the beginning) into the guest directory through {@link BatchIntake} (idempotent,
 * one transaction per batch, invalid records dead-lettered, tombstones handed to {@link GuestDirectoryHandler#forget}
 * after the batch, transient failures waited out).
 */
@ApplicationScoped
public class GuestUpdatedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    GuestDirectoryHandler handler;

    @Incoming("guests-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
