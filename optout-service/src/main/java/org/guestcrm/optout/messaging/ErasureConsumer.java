package org.guestcrm.optout.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Consumes crm.erasures (channel {@code erasures-in}) in polled batches through the platform's {@link BatchIntake}. */
@ApplicationScoped
public class ErasureConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ErasureRequestedHandler erasures;

    @Incoming("erasures-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(erasures, batch);
    }
}
