package org.guestcrm.desk.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.guestcrm.desk.domain.DocumentKind;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Everything the desk-service can be told, under {@code desk.*}. The defaults run the local stack; a hotel's own rule
 * ({@code desk.hotels."<tenant>:<hotelCode>".*} or {@code desk.hotels.<hotelCode>.*}) overrides the tenant-wide one key
 * by key.
 */
@ConfigMapping(prefix = "desk")
public interface DeskConfig {

    /** The rule of every hotel that does not name its own. */
    Rule defaults();

    /** Per hotel: {@code "<tenant>:<hotelCode>"} (first) or {@code <hotelCode>}; each key optional. */
    Map<String, HotelRule> hotels();

    Quotes quotes();

    /** Campaign revenue attribution in the figures. */
    Attribution attribution();

    interface Attribution {
        /** A booking counts for a campaign if the guest was sent its mail at most this long before booking. */
        @WithDefault("30d")
        Duration window();
    }

    /** Feed health in the figures. */
    Feeds feeds();

    interface Feeds {
        /** A feed (metadata.source on pms.reservations) is healthy while its newest event reached the desk this recently. */
        @WithDefault("24h")
        Duration staleAfter();
    }

    /** When each document is due and which journey step delivers it. */
    Documents documents();

    Sweep sweep();

    Clock clock();

    Outbox outbox();

    Retention retention();

    /** The usage audit across services: whose audit trails the desk reads, and with what. */
    Audit audit();

    interface Audit {
        /** Services whose {@code /api/v1/audit} the desk merges: {@code name=base-url,name=base-url}. */
        Optional<java.util.List<String>> services();

        /**
         * A staff token with role admin for every tenant ({@code "*"}), to read those audit trails: a secret, only from
         * the environment ({@code DESK_AUDIT_SERVICE_TOKEN}).
         */
        Optional<String> serviceToken();

        /** How long one service may take to answer. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Rule {
        /** The hotel's time zone: working hours and the day a document is due are local. */
        @WithDefault("UTC")
        ZoneId zone();

        /** When the desk opens, local time. */
        @WithDefault("09:00")
        LocalTime opens();

        /** When the desk closes, local time (after opens). */
        @WithDefault("18:00")
        LocalTime closes();

        /** The days the desk works. */
        @WithDefault("MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY")
        Set<DayOfWeek> days();

        /** A new lead is called back within this much working time. */
        @WithDefault("2h")
        Duration callBackWithin();

        /** The team a new call-back task goes to (until someone assigns it to a person). */
        @WithDefault("reservations")
        String team();

        /** After a call nobody answered, the next call-back is due this much working time later. */
        @WithDefault("2h")
        Duration retryAfter();

        /** Calls without an answer after which the lead is closed as NO_ANSWER. */
        @WithDefault("3")
        int maxAttempts();

        /** The documents a booked reservation owes its guest (INVOICE only where something sends it). */
        @WithDefault("CONFIRMATION,PRE_ARRIVAL,ONLINE_CHECK_IN")
        Set<DocumentKind> documents();
    }

    interface HotelRule {
        Optional<ZoneId> zone();

        Optional<LocalTime> opens();

        Optional<LocalTime> closes();

        Optional<Set<DayOfWeek>> days();

        Optional<Duration> callBackWithin();

        Optional<String> team();

        Optional<Duration> retryAfter();

        Optional<Integer> maxAttempts();

        Optional<Set<DocumentKind>> documents();
    }

    interface Documents {
        DocumentRule confirmation();

        DocumentRule preArrival();

        DocumentRule onlineCheckIn();

        DocumentRule invoice();
    }

    /** Exactly one of after-booking, days-from-arrival, days-from-departure; the day's time is hotel-local. */
    interface DocumentRule {
        /** The journey step (CommunicationEvent.step) that delivers it. */
        String step();

        Optional<Duration> afterBooking();

        Optional<Integer> daysFromArrival();

        Optional<Integer> daysFromDeparture();

        @WithDefault("12:00")
        LocalTime at();
    }

    interface Quotes {
        /** A quote still open this long before it expires raises a follow-up task. */
        @WithDefault("24h")
        Duration followUpBefore();

        /** Longest validity staff may give a quote. */
        @WithDefault("90d")
        Duration maxValidity();
    }

    /** The sweep that marks tasks overdue and raises quote follow-ups (every replica; rows are claimed SKIP LOCKED). */
    interface Sweep {
        @WithDefault("5s")
        Duration every();

        @WithDefault("500")
        int batchSize();
    }

    interface Clock {
        /**
         * Whether the service's clock may be moved (tests only: a controllable clock proves that a task goes overdue
         * on time without waiting hours). Never true in production.
         */
        @WithDefault("false")
        boolean controllable();
    }

    interface Outbox {
        @WithDefault("0.2s")
        Duration every();

        @WithDefault("100")
        int batchSize();

        @WithDefault("10s")
        Duration sendTimeout();

        /** PostgreSQL advisory lock key that lets one replica relay at a time ("DESKOUT" in ASCII). */
        @WithDefault("19216522464417108")
        long lockKey();
    }

    interface Retention {
        @WithDefault("7d")
        Duration sentOutbox();

        /** Keep longer than any redelivery can come late (see service-platform's README). */
        @WithDefault("30d")
        Duration processedEvents();

        @WithDefault("1h")
        Duration every();

        @WithDefault("1000")
        int batchSize();

        /** "DESKRET" in ASCII. */
        @WithDefault("19216522464609620")
        long lockKey();
    }
}
