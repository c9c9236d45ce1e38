package org.guestcrm.optout.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.profiles in polled batches (channel {@code pms-profiles-in}, {@code batch=true}, raw bytes) and hands
 * each batch to the platform's {@link BatchIntake}: decoding, dead letters, transient-failure pauses and the one
 * transaction per batch live there; what a batch changes lives in {@link ConsentFromProfileHandler}.
 */
@ApplicationScoped
public class ProfileChangedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ConsentFromProfileHandler handler;

    @Incoming("pms-profiles-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
