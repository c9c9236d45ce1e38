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
import jakarta.persistence.Table;

/**
 * A row of the transactional outbox: an event written in the transaction of the change that caused it, sent to Kafka
 * later by {@link OutboxRelay}. Every service creates the table {@code outbox_event} with its own Flyway migration,
 * in the shape documented in the service-platform README.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    /** The relay's order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
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

    /** The oldest unsent events, in id order. */
    public static List<OutboxEvent> nextUnsent(int limit) {
        return find("sentAt is null order by id").page(0, limit).list();
    }
}
