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
}
