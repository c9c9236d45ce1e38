package org.guestcrm.connector.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the PMS connector (prefix {@code connector}); defaults run the local stack. */
@ConfigMapping(prefix = "connector")
public interface ConnectorConfig {

    DemoFeeds demoFeeds();

    Inbound inbound();

    Outbox outbox();

    Retention retention();

    Credentials credentials();

    RateLimit rateLimit();

    Ordering ordering();

    Imports imports();

    Webhooks webhooks();

    Polling polling();

    WriteBack writeBack();

    ExportDrops exportDrops();

    Metrics metrics();

    Replay replay();

    /** Currency of amounts a PMS sends without one, when the feed has no default currency of its own. */
    @WithDefault("USD")
    String defaultCurrency();

    /** Ordering of versions (domain/VersionOrdering). */
    interface Ordering {
        /** A sequence that drops to half or less with a version time at least this much later is a PMS sequence reset. */
        @WithDefault("1h")
        Duration sequenceResetMinGap();
    }

    /** Replays of a feed's raw archive (POST /api/v1/feeds/{feedId}/replay). */
    interface Replay {
        /** The longest range one replay may cover ({@code to - from}). */
        @WithDefault("31d")
        Duration maxRange();

        /** The most archived messages one replay may re-run (it runs while the request waits); more: 400, split it. */
        @WithDefault("20000")
        int maxMessages();
    }

    /** History imports (POST /api/v1/feeds/{feedId}/imports). */
    interface Imports {
        /** Largest import file accepted (it is kept in the database until the job is done, for resuming). */
        @WithDefault("268435456")
        long maxBytes();

        /**
         * Lines per batch: one transaction, and (with {@link #toKafka}) one window of records sent and acknowledged
         * before the batch commits with its cursor; at most this many lines are re-sent after a crash.
         */
        @WithDefault("5000")
        int batchSize();

        /**
         * true: a batch's records go straight to Kafka from the import worker and the batch commits (versions, states,
         * counters, cursor) once the broker acknowledged them (the file and the cursor are the source of truth);
         * false: through the outbox table and its relay, like the other intake paths.
         */
        @WithDefault("true")
        boolean toKafka();

        /** A worker holds a job for this long per batch; a job whose lease ran out (a crashed replica) is resumed. */
        @WithDefault("60s")
        Duration lease();

        /** Rejected rows kept per job (line number, field, reason). */
        @WithDefault("1000")
        int maxRejectionsKept();

        /**
         * The import directory: files an admin placed here are imported where they lie
         * ({@code POST /api/v1/feeds/{feedId}/imports/from-directory}, {@code {"file": "<name in the directory>"}}),
         * neither uploaded nor copied into the database. Every replica must see it at this path (a shared volume).
         * Unset: that endpoint answers 409.
         */
        java.util.Optional<String> directory();

        /** Largest file imported from the import directory (16 GiB); a larger one is refused with 413. */
        @WithDefault("17179869184")
        long maxFileBytes();
    }

    /**
     * Thin webhooks with fetch (feeds APALEO_WEBHOOK, MEWS_WEBHOOK): the notification is recorded, then a worker fetches
     * the entity's state from the feed's PMS API.
     */
    interface Webhooks {
        /** How often the fetch worker looks for due fetches (it is also woken when a notification is recorded). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Fetches one feed's PMS API serves at once per replica, unless the feed's PMS API settings say otherwise. */
        @WithDefault("4")
        int concurrencyPerFeed();

        /** Threads fetching for all feeds of a replica. */
        @WithDefault("16")
        int threads();

        /** First wait after a failed fetch; doubled per further failure up to {@link #retryMax()}. */
        @WithDefault("1s")
        Duration retryInitial();

        /** Longest wait between two fetch attempts (a PMS down for hours is tried this often, for as long as it takes). */
        @WithDefault("5m")
        Duration retryMax();

        /** A replica holds a claimed fetch this long; one whose lease ran out (a crashed replica) is claimed again. */
        @WithDefault("2m")
        Duration lease();

        /** Connect and answer timeout of one PMS API call. */
        @WithDefault("20s")
        Duration requestTimeout();

        /** The Client name sent to the Mews Connector API. */
        @WithDefault("Guest CRM pms-connector 0.1")
        String mewsClient();

        /** {@code Limitation.Count} of one Mews getAll page (1-1000); listings are read page by page until exhausted. */
        @WithDefault("100")
        int mewsPageSize();
    }

    /** Polling of JSON_POLLING feeds (a generic JSON "changes since" API) with a persisted cursor. */
    interface Polling {
        /** How often the poller looks for a feed due for a poll. */
        @WithDefault("1s")
        Duration tick();

        /** Seconds between two polls of a feed whose PMS API settings name no interval. */
        @WithDefault("60")
        int defaultIntervalSeconds();

        /** Changes asked for per page (at most 100: one page is one inbound message). */
        @WithDefault("100")
        int pageSize();

        /** Pages read per round before the feed waits for its next poll (an outage is caught up page by page). */
        @WithDefault("50")
        int maxPagesPerRound();

        /** A replica holds a feed this long per round; a crashed replica's feed is polled again after it. */
        @WithDefault("2m")
        Duration lease();
    }

    /** Write-back of crm.contact-updates to the feeds' PMSs (contact data only). */
    interface WriteBack {
        /** How often the worker looks for due jobs (it is also woken after each consumed batch). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Threads sending write-backs per replica. */
        @WithDefault("4")
        int threads();

        /** First wait after a transient failure; doubled per further failure up to {@link #retryMax()}. */
        @WithDefault("1s")
        Duration retryInitial();

        @WithDefault("5m")
        Duration retryMax();

        /** Attempts before a job that keeps failing transiently is FAILED (about 4 h with the defaults). */
        @WithDefault("50")
        int maxAttempts();

        /** A replica holds a claimed job this long; a crashed replica's job is claimed again after it. */
        @WithDefault("2m")
        Duration lease();

        /** How long the PMS's echo of a write is expected (the profile change it causes coming back on the feed). */
        @WithDefault("24h")
        Duration echoWindow();
    }

    /** Watched directories for daily export files, per feed ({@code connector.export-drops.directories.<feedId>}). */
    interface ExportDrops {
        /** How often the directories are looked at. */
        @WithDefault("10s")
        Duration pollInterval();

        /** A file is taken once it has not been modified for this long (a PMS may still be writing it). */
        @WithDefault("5s")
        Duration settleTime();

        /** The directory each feed's export files are dropped in (done/, failed/ and processing/ are made in it). */
        Map<String, String> directories();
    }

    /** The per-feed gauges (connector_feed_last_message_timestamp_seconds and the pending/failed counts). */
    interface Metrics {
        /** How often the gauges are refreshed from the database (the same values on every replica). */
        @WithDefault("15s")
        Duration refreshEvery();
    }

    interface DemoFeeds {
        /**
         * Upsert tenant {@code demo} with feeds {@code demo-ota} and {@code demo-json} at startup. Off by default:
         * only the local stack ({@code CONNECTOR_DEMO_FEEDS_ENABLED=true}) and the tests switch it on.
         */
        @WithDefault("false")
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

        /**
         * Most pushes (OTA, canonical JSON single) recorded in one group commit; pushes arriving while a commit is in
         * flight wait for the next one (messaging/PushGroupCommit). 1 records every push in its own transaction.
         */
        @WithDefault("64")
        int groupCommitMax();
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

        /**
         * A processed-event row (the consumed crm.contact-updates ids) is deleted once older than this; longer than any
         * redelivery (a consumer-group rewind, a DLQ replay).
         */
        @WithDefault("30d")
        Duration processedEvents();

        /** A feed's raw archive (inbound_message, refused_message) is kept this long unless the feed sets its own days. */
        @WithDefault("90d")
        Duration archive();

        /** Pause between two passes of the archive retention job. */
        @WithDefault("1h")
        Duration archiveEvery();

        /** PostgreSQL advisory lock key that lets one replica delete at a time ("PMSRETN" in ASCII). */
        @WithDefault("22603018394752078")
        long lockKey();
    }

    /** PMS feed credentials: bearer tokens (stored as SHA-256) and HMAC-SHA256 request signatures. */
    interface Credentials {
        /** A signature whose timestamp is further than this from the connector's clock is refused (stale or skewed). */
        @WithDefault("5m")
        Duration signatureWindow();

        /**
         * Base64 of a 256-bit AES key that encrypts the feeds' HMAC secrets at rest
         * ({@code CONNECTOR_CREDENTIALS_ENCRYPTION_KEY}); without it, HMAC credentials can be neither issued nor verified.
         */
        Optional<String> encryptionKey();
    }

    /** Token bucket per feed (and per replica): {@code default} for every feed, {@code feeds.<feedId>} overrides. */
    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        @io.smallrye.config.WithName("default")
        Bucket defaults();

        Map<String, Bucket> feeds();

        interface Bucket {
            /** Requests a feed may send in a burst. */
            @WithDefault("400")
            int capacity();

            /** Requests per second the bucket refills. */
            @WithDefault("200")
            double perSecond();
        }
    }
}
