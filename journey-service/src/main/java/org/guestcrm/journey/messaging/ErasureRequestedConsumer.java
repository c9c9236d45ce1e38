package org.guestcrm.journey.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads crm.erasures through {@link BatchIntake} (idempotent, one transaction per batch, invalid records to
 * crm.erasures.dlq with the reason, transient failures waited out) into {@link ErasureHandler}.
 */
@ApplicationScoped
public class ErasureRequestedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ErasureHandler handler;

    @Incoming("erasures-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
