package org.guestcrm.journey.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads crm.consents (compacted, from the beginning) into {@code consent_state} through {@link BatchIntake}. */
@ApplicationScoped
public class ConsentChangedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ConsentChangeHandler handler;

    @Incoming("consents-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
