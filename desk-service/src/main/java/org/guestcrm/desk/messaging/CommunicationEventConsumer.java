package org.guestcrm.desk.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** crm.communications, a polled batch at a time, through service-platform's BatchIntake. */
@ApplicationScoped
public class CommunicationEventConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    CommunicationChangeHandler handler;

    @Incoming("communications-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
