package org.guestcrm.connector.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An accepted inbound PMS message; the payload is kept only with payment card data removed. */
@Entity
@Table(name = "inbound_message")
public class InboundMessageEntity extends PanacheEntityBase {

    @Id
    @Column(name = "message_id")
    public UUID messageId;

    @Column(name = "feed_id", nullable = false)
    public String feedId;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "body_sha256", nullable = false)
    public String bodySha256;

    @Column(name = "message_type", nullable = false)
    public String messageType;

    @Column(name = "event_count", nullable = false)
    public int eventCount;

    @Column(name = "masked_payload")
    public String maskedPayload;
}
