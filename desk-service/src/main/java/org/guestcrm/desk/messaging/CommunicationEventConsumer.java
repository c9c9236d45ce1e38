package org.guestcrm.desk.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.platform.intake.BatchIntake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * crm.communications, a polled batch at a time, through service-platform's BatchIntake.
 * <p>
 * Records whose {@code communication-status} header (set by the journey on every record) names a status the desk has
 * no use for ({@link #UNREAD}: SCHEDULED, RESCHEDULED, HELD, UNKNOWN, the same ones
 * {@link CommunicationChangeHandler#wants} drops) are acknowledged with the batch before they are decoded: no registry
 * look-up, no Avro, no database work; counted in {@code desk_communications_unread_total}. A record without the
 * header (an older producer), or whose header names any other status (including one this build does not know), is
 * decoded and judged by the handler as before, so no record the desk needs depends on the header.
 */
@ApplicationScoped
public class CommunicationEventConsumer {

    /** The header naming a CommunicationEvent's status (journey-service, since 3ca6a8a). */
    static final String STATUS = "communication-status";
    /** The statuses skipped unread: they move no document and are no figure of the desk. */
    static final Set<String> UNREAD = Set.of("SCHEDULED", "RESCHEDULED", "HELD", "UNKNOWN");

    @Inject
    BatchIntake intake;
    @Inject
    CommunicationChangeHandler handler;
    @Inject
    MeterRegistry meters;

    private volatile Counter unread;

    @Incoming("communications-in")
    @Blocking(ordered = true)
    public void consume(ConsumerRecords<String, byte[]> batch) {
        List<ConsumerRecord<String, byte[]>> toRead = new ArrayList<>(batch.count());
        int skipped = 0;
        for (ConsumerRecord<String, byte[]> record : batch) {
            if (unreadByHeader(record)) {
                skipped++;
            } else {
                toRead.add(record);
            }
        }
        if (skipped > 0) {
            unreadCounter().increment(skipped);
        }
        if (!toRead.isEmpty()) {
            intake.process(handler, toRead);
        }
    }

    /** True when the status header alone says the desk has no use for the record (never for a record without value). */
    static boolean unreadByHeader(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return false;
        }
        Header header = record.headers().lastHeader(STATUS);
        if (header == null || header.value() == null) {
            return false;
        }
        return UNREAD.contains(new String(header.value(), StandardCharsets.UTF_8).trim());
    }

    private Counter unreadCounter() {
        Counter current = unread;
        if (current == null) {
            current = Counter.builder("desk.communications.unread")
                    .description("crm.communications records acknowledged from their status header alone, never decoded")
                    .register(meters);
            unread = current;
        }
        return current;
    }
}
