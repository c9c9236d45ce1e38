package org.guestcrm.journey.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import org.guestcrm.journey.domain.DeliveryRetryPolicy;
import org.guestcrm.journey.domain.JourneySchedule;
import org.guestcrm.journey.domain.StepTiming;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** All settings of the journey service (prefix {@code journey}); the defaults run the local stack. */
@ConfigMapping(prefix = "journey")
public interface JourneyConfig {

    /** Time zone for hotels without an entry in {@link #hotelZones()}. */
    @WithDefault("UTC")
    ZoneId defaultZone();

    /** Time zone per hotel code, e.g. {@code journey.hotel-zones.BER01=Europe/Berlin}. */
    Map<String, ZoneId> hotelZones();

    Steps steps();

    Dispatcher dispatcher();

    Outbox outbox();

    Retention retention();

    default ZoneId zoneOf(String hotelCode) {
        return hotelZones().getOrDefault(hotelCode, defaultZone());
    }

    default JourneySchedule schedule() {
        Steps steps = steps();
        return new JourneySchedule(
                StepTiming.daysFromArrival(steps.preStay().daysFromArrival(), steps.preStay().at()),
                StepTiming.daysFromArrival(steps.preCheckIn().daysFromArrival(), steps.preCheckIn().at()),
                StepTiming.daysFromArrival(steps.inStay().daysFromArrival(), steps.inStay().at()),
                StepTiming.daysFromDeparture(steps.postStaySurvey().daysFromDeparture(), steps.postStaySurvey().at()),
                steps.inStay().minimumNights());
    }

    default DeliveryRetryPolicy retryPolicy() {
        return new DeliveryRetryPolicy(dispatcher().maxAttempts(), dispatcher().initialBackoff());
    }

    interface Steps {
        PreStay preStay();

        PreCheckIn preCheckIn();

        InStay inStay();

        PostStaySurvey postStaySurvey();
    }

    interface PreStay {
        @WithDefault("-7")
        int daysFromArrival();

        @WithDefault("09:00")
        LocalTime at();
    }

    interface PreCheckIn {
        @WithDefault("-1")
        int daysFromArrival();

        @WithDefault("10:00")
        LocalTime at();
    }

    interface InStay {
        @WithDefault("1")
        int daysFromArrival();

        @WithDefault("10:00")
        LocalTime at();

        @WithDefault("2")
        int minimumNights();
    }

    interface PostStaySurvey {
        @WithDefault("1")
        int daysFromDeparture();

        @WithDefault("10:00")
        LocalTime at();
    }

    interface Dispatcher {
        /** How often the dispatcher looks for due communications (also read by the @Scheduled expression). */
        @WithDefault("1s")
        Duration every();

        /** At most this many communications per run and replica. */
        @WithDefault("500")
        int batchSize();

        /** SMTP attempts before a communication is FAILED. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait after the first failed attempt; doubles after each further failure. */
        @WithDefault("30s")
        Duration initialBackoff();

        /** Domain of the Message-ID set on every e-mail ({@code <communicationId@domain>}). */
        @WithDefault("journey.guestcrm.local")
        String messageIdDomain();
    }

    interface Outbox {
        /** How often the relay publishes outbox rows. */
        @WithDefault("0.2s")
        Duration every();

        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for Kafka's acknowledgement of one batch. */
        @WithDefault("10s")
        Duration sendTimeout();

        /** PostgreSQL advisory lock key that lets one replica relay at a time ("JOURNEY" in ASCII, 0x4A4F55524E4559). */
        @WithDefault("20916376148264281")
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

        /** PostgreSQL advisory lock key that lets one replica delete at a time ("JRNYRET" in ASCII). */
        @WithDefault("20919644736079188")
        long lockKey();
    }
}
