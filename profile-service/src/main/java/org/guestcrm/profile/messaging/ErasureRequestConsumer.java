package org.guestcrm.profile.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes crm.erasures a polled batch at a time through service-platform's {@link BatchIntake} (a request that can
 * never be applied goes to crm.erasures.dlq with the reason; transient failures wait and retry) and hands the rest to
 * {@link ErasureRequestHandler#apply} in one transaction.
 */
@ApplicationScoped
public class ErasureRequestConsumer {

    @Inject
    BatchIntake intake;
    @Inject
    ErasureRequestHandler handler;

    @Incoming("crm-erasures-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        intake.process(handler, batch);
    }
}
