package org.guestcrm.optout.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes crm.communications in polled batches (channel {@code communications-in}, raw bytes) for bounces and
 * complaints, through the platform's {@link BatchIntake}; what a batch changes lives in {@link BounceHandler}.
 */
@ApplicationScoped
public class CommunicationEventConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    BounceHandler handler;

    @Incoming("communications-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
