package org.guestcrm.profile.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the profile service (prefix {@code profile}); defaults run the local stack. */
@ConfigMapping(prefix = "profile")
public interface ProfileConfig {

    /** The name this service puts in EventMetadata.source and uses as its processed-event consumer name. */
    @WithDefault("profile-service")
    String serviceName();

    Outbox outbox();

    Retention retention();

    interface Outbox {
        /** How often the relay looks for unsent events. */
        @WithDefault("0.2s")
        Duration pollInterval();

        /** At most this many events per relay round. */
        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for Kafka to acknowledge one event before it tries again later. */
        @WithDefault("10s")
        Duration sendTimeout();

        /** PostgreSQL advisory lock key that lets one replica relay at a time ("PROFILE" in ASCII, 0x50524F46494C45). */
        @WithDefault("22608498571955269")
        long lockKey();
    }

    /** Deletes old rows of outbox_event and processed_event (service-platform's RetentionJob). */
    interface Retention {
        /** An outbox row is deleted once it was sent longer ago than this; an unsent row never is. */
        @WithDefault("7d")
        Duration sentOutbox();

        /**
         * A processed_event row is deleted once it is older than this. Keep it longer than any redelivery can come
         * late (consumer-group rewinds, DLQ replays, a relay re-sending after a crash): a record redelivered after its
         * row is gone is applied again; for snapshots the "apply only if newer" rule makes that harmless.
         */
        @WithDefault("30d")
        Duration processedEvents();

        /** Pause between two retention passes (the first runs at most 5 minutes after start). */
        @WithDefault("1h")
        Duration every();

        /** Rows deleted per transaction. */
        @WithDefault("1000")
        int batchSize();

        /** PostgreSQL advisory lock key that lets one replica delete at a time ("PROFRET" in ASCII). */
        @WithDefault("22608498572543316")
        long lockKey();
    }
}
