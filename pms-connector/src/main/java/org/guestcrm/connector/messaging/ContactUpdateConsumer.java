package org.guestcrm.connector.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** crm.contact-updates, a polled batch at a time, through service-platform's BatchIntake; then the write-back worker. */
@ApplicationScoped
public class ContactUpdateConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ContactUpdateHandler handler;
    @Inject
    WriteBackWorker worker;

    @Incoming("contact-updates-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
        worker.wake();
    }
}
