package org.guestcrm.optout.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the opt-out service (prefix {@code optout}); defaults run the local stack. */
@ConfigMapping(prefix = "optout")
public interface OptoutConfig {

    /** The name this service puts in EventMetadata.source and uses as its processed-event consumer name. */
    @WithDefault("optout-service")
    String serviceName();

    Outbox outbox();

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

        /** PostgreSQL advisory lock key that lets one replica relay at a time ("OPTOUT" in ASCII, 0x4F50544F5554). */
        @WithDefault("87206430463316")
        long lockKey();
    }
}
