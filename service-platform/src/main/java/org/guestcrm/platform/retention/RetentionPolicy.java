package org.guestcrm.platform.retention;

import java.time.Duration;
import java.util.Optional;

/**
 * What a service gives {@link RetentionJob}: how long it keeps sent outbox rows and processed-event rows, from its
 * own {@code @ConfigMapping} ({@code <prefix>.retention.*}). A service provides at most one bean of this type; without
 * one, the job does not start.
 */
public interface RetentionPolicy {

    Settings settings();

    /**
     * @param jobName         names the job's thread, e.g. {@code profile-retention}
     * @param lockKey         key of the PostgreSQL advisory lock that lets one replica delete at a time (distinct from
     *                        the relay's key)
     * @param every           pause between two passes; the first pass runs {@link RetentionJob#FIRST_PASS_AT_MOST}
     *                        after start at the latest, so frequent restarts do not starve it
     * @param batchSize       rows deleted per transaction, so a large backlog never holds locks for long
     * @param sentOutbox      an outbox row is deleted once it was sent longer ago than this; unsent rows never are
     * @param processedEvents a processed-event row is deleted once it is older than this; must exceed the longest
     *                        time after which a record can be delivered again (consumer-group rewinds, DLQ replays,
     *                        a relay re-sending after a crash). Empty for a service without a {@code processed_event}
     *                        table (it consumes nothing)
     */
    record Settings(String jobName, long lockKey, Duration every, int batchSize, Duration sentOutbox,
                    Optional<Duration> processedEvents) {

        public Settings {
            if (batchSize < 1) {
                throw new IllegalArgumentException("retention batch size must be at least 1, was " + batchSize);
            }
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("retention interval must be positive, was " + every);
            }
        }
    }
}
