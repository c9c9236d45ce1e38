package org.guestcrm.optout.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.guestcrm.platform.intake.BatchIntake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The crm.communications records of a polled batch ({@link IntakeConsumer}, raw bytes), for bounces and complaints,
 * through the platform's {@link BatchIntake}; what a batch changes lives in {@link BounceHandler}.
 * <p>
 * Records this service has no use for are dropped <em>before</em> the platform decodes them, from their Kafka headers
 * alone: a record whose {@code event-type} header names another record than {@code CommunicationEvent}, or whose
 * {@code communication-status} header names a status other than those {@link BounceHandler} acts on (BOUNCED,
 * COMPLAINED, and OPENED/CLICKED for the soft-bounce count). They are acknowledged with the batch (its offsets are
 * committed once {@link #consume} returns), with no registry call, no decoding and no database work, and counted in
 * {@code optout_communications_unread_total}. A record without these headers is decoded and judged by
 * {@link BounceHandler#wants} as before, so nothing depends on the producer setting them.
 */
@ApplicationScoped
public class CommunicationEventConsumer {

    /** The header the platform's outbox relay sets on every record: the Avro record's name. */
    static final String EVENT_TYPE = "event-type";
    /** The header naming a CommunicationEvent's status (asked of the producer; absent, the record is decoded). */
    static final String STATUS = "communication-status";
    /** The statuses {@link BounceHandler} acts on. */
    static final Set<String> WANTED = Set.of("BOUNCED", "COMPLAINED", "OPENED", "CLICKED");

    @Inject
    BatchIntake intake;
    @Inject
    BounceHandler handler;
    @Inject
    MeterRegistry meters;

    private volatile Counter unread;

    public void consume(Iterable<ConsumerRecord<String, byte[]>> batch) {
        List<ConsumerRecord<String, byte[]>> wanted = new ArrayList<>();
        int skipped = 0;
        for (ConsumerRecord<String, byte[]> record : batch) {
            if (unwantedByHeaders(record)) {
                skipped++;
            } else {
                wanted.add(record);
            }
        }
        if (skipped > 0) {
            unreadCounter().increment(skipped);
        }
        if (!wanted.isEmpty()) {
            intake.process(handler, wanted);
        }
    }

    /**
     * True when the headers alone say the record is of no use here. A record with a null value (no record at all) is
     * never dropped here: the platform dead-letters it.
     */
    static boolean unwantedByHeaders(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return false;
        }
        String type = header(record, EVENT_TYPE);
        if (type != null && !"CommunicationEvent".equals(type)) {
            return true;
        }
        String status = header(record, STATUS);
        return status != null && !WANTED.contains(status);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8).trim();
    }

    private Counter unreadCounter() {
        Counter current = unread;
        if (current == null) {
            current = Counter.builder("optout.communications.unread")
                    .description("crm.communications records acknowledged from their headers alone, never decoded")
                    .register(meters);
            unread = current;
        }
        return current;
    }
}
