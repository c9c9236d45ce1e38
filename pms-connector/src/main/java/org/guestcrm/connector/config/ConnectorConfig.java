package org.guestcrm.connector.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the PMS connector (prefix {@code connector}); defaults run the local stack. */
@ConfigMapping(prefix = "connector")
public interface ConnectorConfig {

    DemoFeeds demoFeeds();

    Inbound inbound();

    Outbox outbox();

    Retention retention();

    /** Currency of amounts a PMS sends without one, when the feed has no default currency of its own. */
    @WithDefault("USD")
    String defaultCurrency();

    interface DemoFeeds {
        /** Upsert tenant {@code demo} with feeds {@code demo-ota} and {@code demo-json} at startup. */
        @WithDefault("true")
        boolean enabled();

        /** Bearer token of the demo feeds (a local-stack value, not a secret). */
        @WithDefault("demo")
        String token();
    }

    interface Inbound {
        /** Largest accepted request body in bytes; a larger one is answered 413. */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** Keep the inbound payload (card data removed) in inbound_message.masked_payload. */
        @WithDefault("true")
        boolean storeMaskedPayload();
    }

    interface Outbox {
        /** How often the relay (its own thread) looks for new unsent events when the outbox is empty. */
        @WithDefault("200ms")
        Duration pollInterval();

        /** Rows relayed per transaction of the relay. */
        @WithDefault("200")
        int batchSize();

        /** How long the relay waits for the broker's acks of one batch. */
        @WithDefault("30s")
        Duration ackTimeout();

        /** PostgreSQL advisory lock key that lets one replica relay at a time ("pmsrelay" in ASCII, 0x706d7372656c6179). */
        @WithDefault("8101258239874457977")
        long lockKey();

        /** The outbox health check reports DOWN when the oldest unsent event is older than this. */
        @WithDefault("5m")
        Duration maxBacklogAge();
    }

    /** Deletes old rows of outbox_event (service-platform's RetentionJob). */
    interface Retention {
        /** An outbox row is deleted once it was sent longer ago than this; an unsent row never is. */
        @WithDefault("7d")
        Duration sentOutbox();

        /** Pause between two retention passes (the first runs at most 5 minutes after start). */
        @WithDefault("1h")
        Duration every();

        /** Rows deleted per transaction. */
        @WithDefault("1000")
        int batchSize();

        /** PostgreSQL advisory lock key that lets one replica delete at a time ("PMSRETN" in ASCII). */
        @WithDefault("22603018394752078")
        long lockKey();
    }
}
