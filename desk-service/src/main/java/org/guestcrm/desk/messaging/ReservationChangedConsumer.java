package org.guestcrm.desk.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** pms.reservations, a polled batch at a time, through service-platform's BatchIntake (dead letters, retries). */
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
