package org.guestcrm.profile.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.reservations a polled batch at a time through service-platform's {@link BatchIntake} (dead letters to
 * pms.reservations.dlq with the reason; transient failures wait and retry) and hands the rest to
 * {@link ReservationStayHandler#apply} in one transaction.
 */
@ApplicationScoped
public class ReservationStayConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ReservationStayHandler handler;

    @Incoming("pms-reservations-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
