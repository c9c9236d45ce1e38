package org.guestcrm.desk.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** crm.erasures and crm.consents, a polled batch at a time, through service-platform's BatchIntake. */
@ApplicationScoped
public class PrivacyLedgerConsumers {

    @Inject
    BatchIntake intake;
    @Inject
    ErasureRequestHandler erasures;
    @Inject
    ConsentChangeHandler consents;

    @Incoming("erasures-in")
    @Blocking(ordered = true)
    public void consumeErasures(ConsumerRecords<String, byte[]> batch) {
        intake.process(erasures, batch);
    }

    @Incoming("consents-in")
    @Blocking(ordered = true)
    public void consumeConsents(ConsumerRecords<String, byte[]> batch) {
        intake.process(consents, batch);
    }
}
