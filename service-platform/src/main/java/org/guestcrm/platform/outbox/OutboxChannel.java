package org.guestcrm.platform.outbox;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * What a service gives {@link OutboxRelay}: the emitter of its outgoing Kafka channel (configured in its
 * application.properties; each record carries its own topic and key) and the relay settings from its config.
 * A service that uses the outbox provides exactly one bean of this type.
 */
public interface OutboxChannel {

    Emitter<SpecificRecord> emitter();

    Settings settings();

    /**
     * @param relayName     names the relay thread, e.g. {@code profile-outbox-relay}
     * @param lockKey       key of the PostgreSQL advisory lock that lets one replica relay at a time
     * @param pollInterval  pause between relay rounds when nothing was sent (Quarkus' simple scheduler cannot go
     *                      below one second, so the relay has its own thread)
     * @param batchSize     rows per transaction
     * @param ackTimeout    how long to wait for Kafka's acknowledgements of one batch
     */
    record Settings(String relayName, long lockKey, Duration pollInterval, int batchSize, Duration ackTimeout) {
    }
}
