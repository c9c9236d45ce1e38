package org.guestcrm.profile.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.profiles a polled batch at a time through service-platform's {@link BatchIntake}: it decodes the
 * records, dead-letters the ones that can never be applied (to pms.profiles.dlq, with the reason), and hands the rest
 * to {@link ProfileChangeHandler#apply} in one transaction; a transient failure waits and retries, a record that
 * fails alone is isolated.
 */
@ApplicationScoped
public class ProfileChangedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ProfileChangeHandler handler;

    @Incoming("pms-profiles-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
