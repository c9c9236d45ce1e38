package org.guestcrm.platform.outbox;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * What a service gives {@link OutboxRelay}: the relay settings from its config. A service that uses the outbox
 * provides exactly one bean of this type. The relay has its own Kafka producer (bootstrap servers from
 * {@code kafka.bootstrap.servers}, extra producer properties under {@code guestcrm.outbox.producer.*}), so the service
 * needs no outgoing SmallRye channel for its events.
 */
public interface OutboxChannel {

    /** No longer used by the relay, which sends the stored bytes with its own producer; kept for source compatibility. */
    @Deprecated(forRemoval = true)
    default Emitter<SpecificRecord> emitter() {
        return null;
    }

    Settings settings();

    /**
     * @param relayName     names the relay thread, e.g. {@code profile-outbox-relay}
     * @param lockKey       key of the PostgreSQL advisory lock that lets one replica relay at a time
     * @param pollInterval  longest pause between relay rounds when nothing was committed here (a commit in this
     *                      process wakes the relay at once; the poll catches rows of other replicas)
     * @param batchSize     rows per round
     * @param ackTimeout    how long to wait for Kafka's acknowledgements of one round
     * @param maxAttempts   failed sends (that count) after which a row is parked
     */
    record Settings(String relayName, long lockKey, Duration pollInterval, int batchSize, Duration ackTimeout,
            int maxAttempts) {

        public static final int DEFAULT_MAX_ATTEMPTS = 5;

        public Settings(String relayName, long lockKey, Duration pollInterval, int batchSize, Duration ackTimeout) {
            this(relayName, lockKey, pollInterval, batchSize, ackTimeout, DEFAULT_MAX_ATTEMPTS);
        }
    }
}
