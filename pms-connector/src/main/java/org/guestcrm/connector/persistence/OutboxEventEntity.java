package org.guestcrm.connector.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An event waiting to be (or already) published: Avro single-object encoding of the record. */
@Entity
@Table(name = "outbox_event")
public class OutboxEventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    public Long id;

    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "message_id", nullable = false)
    public UUID messageId;

    @Column(name = "topic", nullable = false)
    public String topic;

    @Column(name = "record_key", nullable = false)
    public String recordKey;

    @Column(name = "record_type", nullable = false)
    public String recordType;

    @Column(name = "payload", nullable = false)
    public byte[] payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;
}
