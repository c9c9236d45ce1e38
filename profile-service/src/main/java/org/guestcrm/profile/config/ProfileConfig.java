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

    /**
     * Survivorship's first criterion: how far the profiles of each feed (by feed id = pmsSystem) are trusted
     * ({@code profile.feed-trust."booking-channel"=OTA}; DIRECT, LOYALTY, FRONT_DESK, OTA). A feed not listed is
     * FRONT_DESK; a profile with a loyalty number is at least LOYALTY.
     */
    java.util.Map<String, org.guestcrm.profile.domain.SourceTrust> feedTrust();

    /**
     * The region (ISO 3166-1 alpha-2) a phone number in national form was dialled in, by {@code tenant:hotelCode} or
     * {@code tenant} ({@code profile.phone-regions."demo"=CH}), as optout-service reads it, so both key a phone alike.
     */
    java.util.Map<String, String> phoneRegions();

    /**
     * The regions to read a national phone number of a profile in, in order: the hotel's, the tenant's (as
     * optout-service), then the profile address's country and its nationality.
     */
    default java.util.List<String> phoneRegions(String tenant, String hotelCode, String countryCode, String nationality) {
        java.util.List<String> regions = new java.util.ArrayList<>();
        java.util.Map<String, String> configured = phoneRegions();
        if (hotelCode != null && configured.containsKey(tenant + ":" + hotelCode)) {
            regions.add(configured.get(tenant + ":" + hotelCode));
        }
        if (configured.containsKey(tenant)) {
            regions.add(configured.get(tenant));
        }
        for (String region : new String[] {countryCode, nationality}) {
            if (region != null && region.trim().length() == 2) {
                regions.add(region.trim());
            }
        }
        return regions.stream().distinct().toList();
    }

    Retention retention();

    GuestUpdates guestUpdates();

    /**
     * An e-mail or phone held by profiles of at least this many unrelated names (different Soundex surnames) in a
     * tenant is demoted: no longer merge evidence nor a marketing address (SharedContactRule).
     */
    @io.smallrye.config.WithName("shared-contact.min-unrelated-names")
    @WithDefault("4")
    int sharedContactMinUnrelatedNames();

    Refit refit();

    /**
     * The nightly refit of each tenant's match parameters (ScheduledMatchRefit): in the window starting at
     * {@code hour}:00 in {@code zone}, a tenant with at least {@code min-new-profiles} profiles received since its last
     * fit is refitted; the fit is used only if the sanity check accepts it.
     */
    interface Refit {
        /** Off: no scheduled refit (the admin API still refits on request). */
        @WithDefault("true")
        boolean enabled();

        /** The hour (0-23) the night's window starts. */
        @WithDefault("3")
        int hour();

        /** The time zone of {@code hour} (an IANA id). */
        @WithDefault("UTC")
        java.time.ZoneId zone();

        /** How long after {@code hour}:00 a check still runs that night's refit. */
        @WithDefault("1h")
        Duration window();

        /** A tenant is refitted only when at least this many profiles arrived since its last fit. */
        @WithDefault("500")
        int minNewProfiles();

        /** How often every replica checks whether the night's refit is due (one replica runs it). */
        @WithDefault("10m")
        Duration checkEvery();
    }

    /** What a GuestUpdated on crm.guests carries at most (the full record is at GET /api/v1/guests/{guestId}). */
    interface GuestUpdates {
        /** Source profile refs of the guest, most recently changed first (and per contact point). */
        @WithDefault("50")
        int maxSourceRefs();

        /** E-mails and phones, each kind: primary first, then by survivorship's rank. */
        @WithDefault("20")
        int maxContactPoints();
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
