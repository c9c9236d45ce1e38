package org.guestcrm.optout.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.events.GuestProfileChanged;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.profiles. Each attempt runs in its own transaction ({@link ConsentFromProfileHandler#apply}); a
 * failing record is retried a few times, then nacked, and the channel's dead-letter-queue strategy sends it
 * to pms.profiles.dlq with the reason in its headers. A record that is not valid Avro never reaches this
 * method: the connector sends it to the dead-letter topic directly.
 */
@ApplicationScoped
public class ProfileChangedConsumer {

    private static final Logger LOG = Logger.getLogger(ProfileChangedConsumer.class);

    @Inject
    ConsentFromProfileHandler handler;

    @Incoming("pms-profiles-in")
    @Blocking
    @Retry(maxRetries = 2, delay = 200, abortOn = PoisonEventException.class)
    public void consume(ConsumerRecord<String, GuestProfileChanged> record) {
        GuestProfileChanged event = record.value();
        if (event == null) {
            throw new PoisonEventException("Record at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has no value; pms.profiles carries no tombstones");
        }
        try {
            handler.apply(event);
        } catch (RuntimeException e) {
            LOG.warnf("Record at %s-%d@%d could not be applied: %s", record.topic(), record.partition(), record.offset(),
                    e.getClass().getSimpleName());
            throw e;
        }
    }
}
