package org.guestcrm.platform.it;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The pattern every service's consumer follows: a polled batch straight into BatchIntake. */
@ApplicationScoped
public class ProbeConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ProbeHandler handler;

    @Incoming("probe-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
