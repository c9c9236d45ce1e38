package org.guestcrm.desk.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** crm.guests and crm.guest-merges, a polled batch at a time, through service-platform's BatchIntake. */
@ApplicationScoped
public class GuestConsumers {

    @Inject
    BatchIntake intake;
    @Inject
    GuestUpdatedHandler guests;
    @Inject
    GuestMergeHandler merges;

    @Incoming("guests-in")
    @Blocking(ordered = true)
    public void consumeGuests(ConsumerRecords<String, byte[]> batch) {
        intake.process(guests, batch);
    }

    @Incoming("guest-merges-in")
    @Blocking(ordered = true)
    public void consumeMerges(ConsumerRecords<String, byte[]> batch) {
        intake.process(merges, batch);
    }
}
