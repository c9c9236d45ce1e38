package org.guestcrm.platform.outbox;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/**
 * A row of the transactional outbox: an event written in the transaction of the change that caused it, sent to Kafka
 * later by {@link OutboxRelay}. Every service creates the table {@code outbox_event} with its own Flyway migration,
 * in the shape documented in the service-platform README.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    /**
     * The relay's order. From the table's sequence in blocks of 50 ({@code increment by 50}), so a batch of inserts
     * goes out as one JDBC batch (an identity column would force one round trip per row).
     */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "outbox_event_id")
    @SequenceGenerator(name = "outbox_event_id", sequenceName = "outbox_event_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    /** The record's simple name, e.g. {@code GuestUpdated}; sent as the {@code event-type} header. */
    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    /** metadata.correlationId of the record; sent as the {@code correlation-id} header. */
    @Column(name = "correlation_id")
    public String correlationId;

    /** The Avro record in Avro's single-object encoding (schema fingerprint + binary). */
    @Column(nullable = false)
    public byte[] payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Set once Kafka acknowledged the record. */
    @Column(name = "sent_at")
    public Instant sentAt;

    /** Failed sends that counted (the broker was reachable, or the failure was not retriable). */
    @Column(nullable = false)
    public int attempts;

    /** The last send failure: exception class and message from the Kafka client (no payload data). */
    @Column(name = "last_error")
    public String lastError;

    /** Set when the relay gave up after its attempts: the row waits for an operator; only its key waits with it. */
    @Column(name = "parked_at")
    public Instant parkedAt;

    /** The oldest unsent events, in id order. */
    public static List<OutboxEvent> nextUnsent(int limit) {
        return find("sentAt is null order by id").page(0, limit).list();
    }
}
