package org.guestcrm.optout.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the opt-out service (prefix {@code optout}); defaults run the local stack. */
@ConfigMapping(prefix = "optout")
public interface OptoutConfig {

    /** The name this service puts in EventMetadata.source and uses as its processed-event consumer name. */
    @WithDefault("optout-service")
    String serviceName();

    Outbox outbox();

    /**
     * The region (ISO 3166-1 alpha-2) a phone number in national form was dialled in, by {@code tenant:hotelCode} or
     * {@code tenant} ({@code optout.phone-regions."demo"=CH}); a number without a known region stays digits.
     */
    Map<String, String> phoneRegions();

    /** The region of a hotel of a tenant (the hotel's own, else the tenant's), if configured. */
    default Optional<String> phoneRegion(String tenant, String hotelCode) {
        Map<String, String> regions = phoneRegions();
        String region = hotelCode == null ? null : regions.get(tenant + ":" + hotelCode);
        return Optional.ofNullable(region != null ? region : regions.get(tenant));
    }

    /**
     * Per tenant, the scope its hotels' PMS statements hold in: {@code HOTEL} (each hotel's own), {@code BRAND} (the
     * hotel's brand, {@link #brands}), or {@code TENANT} (the default: one consent for the whole group).
     */
    Map<String, String> scopes();

    /** The brand of a hotel, by {@code tenant:hotelCode}, for tenants with {@code BRAND} scopes. */
    Map<String, String> brands();

    /**
     * The scope a statement about {@code hotelCode} of {@code tenant} holds in: {@code HOTEL:<code>},
     * {@code BRAND:<brand>} or {@code TENANT} (no scopes configured, no hotel, or a hotel without a configured brand).
     */
    default String scopeOf(String tenant, String hotelCode) {
        String mode = scopes().getOrDefault(tenant, "TENANT").trim().toUpperCase(java.util.Locale.ROOT);
        if (hotelCode == null || hotelCode.isBlank()) {
            return org.guestcrm.optout.domain.ConsentScope.TENANT;
        }
        return switch (mode) {
            case "HOTEL" -> org.guestcrm.optout.domain.ConsentScope.hotel(hotelCode.trim());
            case "BRAND" -> {
                String brand = brands().get(tenant + ":" + hotelCode.trim());
                yield brand == null ? org.guestcrm.optout.domain.ConsentScope.TENANT : org.guestcrm.optout.domain.ConsentScope.brand(brand);
            }
            default -> org.guestcrm.optout.domain.ConsentScope.TENANT;
        };
    }

    Retention retention();

    Links links();

    Bounces bounces();

    /** Bounces and complaints from crm.communications. */
    interface Bounces {
        /** Soft bounces in a row (no open or click between them) that act as a hard bounce. */
        @WithDefault("3")
        int softBouncesAsHard();
    }

    /** The guests' signed links (keys: {@code guestcrm.signed-links.*}, environment only). */
    interface Links {
        /**
         * Whether a link whose subject names the address itself ({@code EMAIL:MARKETING:anna@example.com}, the form
         * signed before opaque references) is still honoured. Links are signed for a limited time: set it to false
         * once the longest-lived link signed in the old form has expired (the journey-service signs unsubscribe links
         * for {@code journey.links.unsubscribe-valid-for}), then remove the old form's code.
         */
        @WithDefault("true")
        boolean acceptAddressSubjects();

        /** Where guests reach this service: the origin of the links it mails (never taken from a request's Host). */
        @WithDefault("http://localhost:8084")
        String publicBaseUrl();

        /** How long a preference-centre link this service signs stays valid. */
        @WithDefault("30d")
        Duration preferencesValidFor();

        /**
         * How long the link of an erasure confirmation mail stays valid (it works once; only its click, then the
         * button on its page, executes the erasure).
         */
        @WithDefault("24h")
        Duration erasureConfirmValidFor();

        /** How long a preference-centre session (cookie and its CSRF token) lasts after the link was opened. */
        @WithDefault("30m")
        Duration sessionValidFor();

        /** Link requests answered with a mail per typed address per hour (more are answered the same, and not mailed). */
        @WithDefault("3")
        int requestsPerAddressPerHour();

        /** Link requests per client address per hour; more get a "too many requests" page (429). */
        @WithDefault("20")
        int requestsPerClientPerHour();

        /** How often the link mailer looks for links to send. */
        @WithDefault("2s")
        Duration mailEvery();

        /** Attempts to mail one link before it is given up. */
        @WithDefault("5")
        int mailAttempts();

        /** How often due pauses of marketing are ended. */
        @WithDefault("1m")
        Duration pauseCheckEvery();
    }

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

    /**
     * Deletes old rows of outbox_event and processed_event (service-platform's RetentionJob) and the personal-data rows
     * this service keeps only for a while (persistence.PersonalDataRetention), on the same schedule.
     */
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

        /** PostgreSQL advisory lock key that lets one replica delete at a time ("OPTORET" in ASCII). */
        @WithDefault("22324846198408532")
        long lockKey();

        /**
         * An erasure confirmation (the single-use link's row: reference, times) is deleted this long after it was used
         * or, unused, after it expired (persistence.PersonalDataRetention), with the confirmation mail naming it.
         */
        @WithDefault("30d")
        Duration erasureConfirmations();

        /** A mailed link's row (preference_link_mail: reference, language, outcome) is deleted this long after it was queued. */
        @WithDefault("30d")
        Duration linkMails();

        /** The link-request rows (hashes, for the hourly rate limits) are deleted this long after the request; at least 1h. */
        @WithDefault("1d")
        Duration linkRequests();

        /**
         * The guests' pages' trail (guest_activity: reference, client address, user agent) and the corrections and
         * downloads of guest_request are deleted this long after they happened; erasures in guest_request are kept
         * (they prove the erasure ran and stop a replay of it).
         */
        @WithDefault("180d")
        Duration guestActivity();

        /** A pause of marketing (marketing_pause, naming the contact point) is deleted this long after it ended. */
        @WithDefault("30d")
        Duration endedPauses();

        /** Advisory lock key of the personal-data pass (one replica at a time; not the outbox retention's). */
        @WithDefault("22324846198408533")
        long personalDataLockKey();
    }
}
