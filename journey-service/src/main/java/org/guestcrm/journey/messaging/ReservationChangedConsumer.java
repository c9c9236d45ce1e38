package org.guestcrm.journey.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.reservations a polled batch at a time through service-platform's {@link BatchIntake}: it decodes the
 * records, dead-letters those that can never be applied (pms.reservations.dlq, with the reason) and hands the rest to
 * {@link ReservationChangeHandler#apply} in one transaction; a transient failure waits and retries, a record that
 * fails alone is isolated.
 */
@ApplicationScoped
public class ReservationChangedConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ReservationChangeHandler handler;

    @Incoming("reservations-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
