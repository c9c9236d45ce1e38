package org.guestcrm.journey.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

import org.guestcrm.journey.domain.DeliveryRetryPolicy;
import org.guestcrm.journey.domain.Freshness;
import org.guestcrm.journey.domain.QuietHours;
import org.guestcrm.journey.domain.StepFreshness;
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

    /** A tenant's default time zone for its hotels without an entry in {@link #hotelZones()}. */
    Map<String, ZoneId> tenantZones();

    /**
     * Quiet hours for hotels and tenants without their own: {@code HH:mm-HH:mm} local time (may cross midnight) or
     * {@code none}. A non-urgent message due inside them moves to their end.
     */
    @WithDefault("21:00-08:00")
    String quietHours();

    /** A tenant's default quiet hours, e.g. {@code journey.tenant-quiet-hours.demo=22:00-07:00}. */
    Map<String, String> tenantQuietHours();

    /** Quiet hours per hotel code, e.g. {@code journey.hotel-quiet-hours.BER01=20:00-09:00}. */
    Map<String, String> hotelQuietHours();

    /**
     * The no-show cut-off for hotels and tenants without their own: {@code HH:mm} on the arrival day, {@code HH:mm+1}
     * the next day, or {@code none} (default: a PMS that never reports check-ins would make every guest a no-show).
     */
    @WithDefault("none")
    String noShowCutoff();

    /** A tenant's default cut-off, e.g. {@code journey.tenant-no-show-cutoffs.demo=06:00+1}. */
    Map<String, String> tenantNoShowCutoffs();

    /** A hotel's cut-off (hotel code), e.g. {@code journey.hotel-no-show-cutoffs.BER01=23:00}. */
    Map<String, String> hotelNoShowCutoffs();

    /** The sweep that applies the cut-offs ({@code journey.no-show-sweep.*}). */
    NoShowSweep noShowSweep();

    interface NoShowSweep {
        /** How often it runs ({@code off}: never; also read by the @Scheduled expression). */
        @WithDefault("1m")
        String every();

        /** Arrivals further back than this are not swept (history that never got a check-in). */
        @WithDefault("3d")
        Duration lookback();

        /** Reservations per transaction. */
        @WithDefault("500")
        int batchSize();
    }

    /** The hotel's cut-off, else its tenant's, else {@link #noShowCutoff()}; empty for none. */
    default Optional<org.guestcrm.journey.domain.NoShowCutoff> noShowCutoffOf(String tenant, String hotelCode) {
        String hotel = hotelNoShowCutoffs().get(hotelCode);
        return org.guestcrm.journey.domain.NoShowCutoff.parse(hotel != null ? hotel
                : tenantNoShowCutoffs().getOrDefault(tenant, noShowCutoff()));
    }

    /** Whether any hotel may have a cut-off at all. */
    default boolean anyNoShowCutoff() {
        return !hotelNoShowCutoffs().isEmpty() || !tenantNoShowCutoffs().isEmpty()
                || org.guestcrm.journey.domain.NoShowCutoff.parse(noShowCutoff()).isPresent();
    }

    Steps steps();

    Dispatcher dispatcher();

    Outbox outbox();

    Retention retention();

    Links links();

    /** Bounces after acceptance and complaints (issue 9): VERP envelope senders and the bounce mailbox reader. */
    Bounces bounces();

    /**
     * {@code journey.bounces.*}: with {@code domain} set (and {@code guestcrm.signed-links.keys}), every e-mail's
     * envelope sender (SMTP MAIL FROM, the Return-Path) is {@code <local-part>+<token>@<domain>}, the token naming the
     * message (its id and a MAC, never the guest's address); with {@code imap.host}, {@code imap.username} and the
     * secret {@code imap.password} (environment: {@code JOURNEY_BOUNCES_IMAP_PASSWORD}) the mailbox those addresses end
     * in is read every {@code every} for delivery status notifications (RFC 3464) and complaints (RFC 5965). Off when
     * not configured.
     */
    interface Bounces {
        /** The bounce domain of the VERP addresses, e.g. {@code bounces.example-hotels.com}; none: no VERP. */
        Optional<String> domain();

        /** The local part before the {@code +token} (the bounce mailbox's own name). */
        @WithDefault("bounces")
        String localPart();

        Imap imap();

        /** How often the mailbox is read ({@code off}: never; also read by the @Scheduled expression). */
        @WithDefault("1m")
        String every();

        /** At most this many messages read per poll (the rest at the next one). */
        @WithDefault("100")
        int batchSize();

        /** The mailbox folder unreadable reports and reports naming no known message are moved to, with a reason row. */
        @WithDefault("set-aside")
        String setAsideFolder();

        /** pg_try_advisory_lock key: one replica reads the mailbox at a time ("JRNYBNC" in ASCII). */
        @WithDefault("20919644735032899")
        long lockKey();

        /** The bounce mailbox (IMAP). */
        interface Imap {
            Optional<String> host();

            @WithDefault("993")
            int port();

            /** IMAPS (TLS from the start); false: plain IMAP (the tests' GreenMail). */
            @WithDefault("true")
            boolean ssl();

            Optional<String> username();

            /** Secret: from the environment only ({@code JOURNEY_BOUNCES_IMAP_PASSWORD}). */
            Optional<String> password();

            @WithDefault("INBOX")
            String folder();

            /** Connect and read timeout. */
            @WithDefault("20s")
            Duration timeout();

            default boolean configured() {
                return host().isPresent() && username().isPresent() && password().isPresent();
            }
        }
    }

    Templates templates();

    /** The post-stay survey page ({@code journey.survey.*}). */
    Survey survey();

    interface Survey {
        /** The aspects guests may rate 1-5 (optional each) for hotels and tenants without their own list. */
        @WithDefault("room,cleanliness,staff,breakfast,value")
        java.util.List<String> aspects();

        /** A tenant's aspects, e.g. {@code journey.survey.tenant-aspects.demo=room,staff,spa}. */
        Map<String, java.util.List<String>> tenantAspects();

        /** A hotel's aspects (hotel code), e.g. {@code journey.survey.hotel-aspects.BER01=room,staff,value}. */
        Map<String, java.util.List<String>> hotelAspects();
    }

    /** The aspects of {@code hotelCode}'s survey: the hotel's list, else the tenant's, else the default. */
    default java.util.List<String> surveyAspectsOf(String tenant, String hotelCode) {
        java.util.List<String> hotel = hotelCode == null ? null : survey().hotelAspects().get(hotelCode);
        if (hotel != null) {
            return hotel;
        }
        java.util.List<String> ofTenant = tenant == null ? null : survey().tenantAspects().get(tenant);
        return ofTenant != null ? ofTenant : survey().aspects();
    }

    /**
     * Marketing frequency caps per tenant: {@code journey.marketing-caps.<tenant>=<max>/<period>} (e.g. {@code 2/30d}):
     * at most that many campaign mails per guest within the period; none by default; transactional mails never.
     */
    Map<String, String> marketingCaps();

    default java.util.Optional<org.guestcrm.journey.domain.FrequencyCap> marketingCapOf(String tenant) {
        String cap = marketingCaps().get(tenant);
        return cap == null ? java.util.Optional.empty()
                : java.util.Optional.of(org.guestcrm.journey.domain.FrequencyCap.parse(cap));
    }

    /** Message templates ({@link org.guestcrm.journey.templates.MessageTemplates}). */
    interface Templates {
        /**
         * The root of the tenants' and hotels' own templates: {@code <dir>/<tenant>/<step>.<lang>.txt} (and
         * {@code .html}), {@code <dir>/<tenant>/<hotelCode>/...} for one hotel; without it only the built-in ones.
         */
        Optional<String> directory();

        default Optional<java.nio.file.Path> path() {
            return directory().filter(d -> !d.isBlank()).map(java.nio.file.Path::of);
        }
    }

    Sms sms();

    /**
     * The SMS gateway (Twilio Messages API shape, {@link org.guestcrm.journey.sms.HttpSmsGateway}). All of
     * {@code gateway-url}, {@code account-sid}, {@code from} and the secret {@code auth-token} (environment only:
     * {@code JOURNEY_SMS_AUTH_TOKEN}) are needed for a gateway; without them there is none.
     */
    interface Sms {
        Optional<String> gatewayUrl();

        Optional<String> accountSid();

        Optional<String> authToken();

        Optional<String> from();

        /** Connect and answer timeout of one request. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * The journey steps sent as SMS when a gateway is configured and the guest has a valid mobile number (else
         * e-mail), e.g. {@code PRE_CHECK_IN}; each needs an SMS text (template fragment {@code sms}).
         */
        Optional<java.util.List<org.guestcrm.journey.domain.JourneyStep>> steps();

        /** Whether every gateway setting is there. */
        default boolean configured() {
            return gatewayUrl().isPresent() && accountSid().isPresent() && authToken().isPresent() && from().isPresent();
        }

        default org.guestcrm.journey.domain.ChannelPolicy channelPolicy() {
            return new org.guestcrm.journey.domain.ChannelPolicy(
                    java.util.Set.copyOf(steps().orElse(java.util.List.of())), configured());
        }

        /** The configured gateway, or empty when a setting is missing. */
        default Optional<org.guestcrm.journey.sms.SmsSender> gateway() {
            if (gatewayUrl().isEmpty() || accountSid().isEmpty() || authToken().isEmpty() || from().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new org.guestcrm.journey.sms.HttpSmsGateway(gatewayUrl().get(), accountSid().get(),
                    authToken().get(), from().get(), timeout()));
        }
    }

    /**
     * The guests' occasions per tenant: {@code journey.tenant-occasions.<tenant>.<win-back|birthday|stay-anniversary>.
     * enabled|offset|at|template}; off unless enabled.
     */
    Map<String, OccasionGroup> tenantOccasions();

    /** A hotel's own occasion settings (each setting over its tenant's): {@code journey.hotel-occasions.<hotelCode>...}. */
    Map<String, OccasionGroup> hotelOccasions();

    OccasionPlanning occasionPlanning();

    /** Campaigns (issue 9): how often recurring campaigns are checked for a run that has come due. */
    Campaigns campaigns();

    interface Campaigns {
        /** How often the campaigns whose next run has come are run (a duration, or {@code off}: never). */
        @WithDefault("1m")
        String recurrenceEvery();
    }

    /** The occasions of one tenant or hotel. */
    interface OccasionGroup {
        Optional<OccasionSettings> winBack();

        Optional<OccasionSettings> birthday();

        Optional<OccasionSettings> stayAnniversary();

        default Optional<OccasionSettings> of(org.guestcrm.journey.domain.JourneyStep step) {
            return switch (step) {
                case WIN_BACK -> winBack();
                case BIRTHDAY -> birthday();
                case STAY_ANNIVERSARY -> stayAnniversary();
                default -> Optional.empty();
            };
        }
    }

    /**
     * One occasion's settings: {@code enabled} (false), {@code offset} (ISO-8601 period from its date: win-back
     * {@code P6M} after the last departure, birthday and anniversary {@code P0D}; e.g. {@code -P2D} two days before),
     * {@code at} (local time, 10:00) and {@code template} (the step's name: win_back, birthday, stay_anniversary).
     */
    interface OccasionSettings {
        Optional<Boolean> enabled();

        Optional<String> offset();

        Optional<LocalTime> at();

        Optional<String> template();
    }

    /** How the occasion planner runs. */
    interface OccasionPlanning {
        /** How often the directory is scanned for occasions coming due (a duration, or {@code off}: never). */
        @WithDefault("1h")
        String every();

        /** Occurrences due within this ahead are planned (they wait SCHEDULED until due). */
        @WithDefault("2d")
        Duration horizon();

        /** An occurrence is still planned, and sent, up to this after its due time; later it is stale. */
        @WithDefault("1d")
        Duration freshness();

        /** Guests read per transaction. */
        @WithDefault("1000")
        int batchSize();

        /** pg_try_advisory_xact_lock key: one replica plans at a time ("JRNYOCC"). */
        @WithDefault("20919644735882051")
        long lockKey();
    }

    /**
     * The settings of {@code step} for the tenant's hotel: each of the hotel's settings over the tenant's over the
     * defaults. Throws IllegalArgumentException naming the setting when one cannot be read.
     */
    default org.guestcrm.journey.domain.Occasions.Setting occasionOf(String tenant, String hotelCode,
                                                                     org.guestcrm.journey.domain.JourneyStep step) {
        Optional<OccasionSettings> hotel = Optional.ofNullable(hotelCode == null ? null : hotelOccasions().get(hotelCode))
                .flatMap(group -> group.of(step));
        Optional<OccasionSettings> ofTenant = Optional.ofNullable(tenantOccasions().get(tenant))
                .flatMap(group -> group.of(step));
        String name = step.name().toLowerCase(java.util.Locale.ROOT);
        boolean enabled = hotel.flatMap(OccasionSettings::enabled)
                .or(() -> ofTenant.flatMap(OccasionSettings::enabled)).orElse(false);
        String offset = hotel.flatMap(OccasionSettings::offset)
                .or(() -> ofTenant.flatMap(OccasionSettings::offset)).orElse(null);
        java.time.Period period;
        try {
            period = offset == null ? org.guestcrm.journey.domain.Occasions.defaultOffset(step)
                    : java.time.Period.parse(offset.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("journey occasion " + name.replace('_', '-') + ".offset of tenant "
                    + tenant + " / hotel " + hotelCode + " is not an ISO-8601 period (e.g. P6M, -P2D): " + offset);
        }
        LocalTime at = hotel.flatMap(OccasionSettings::at).or(() -> ofTenant.flatMap(OccasionSettings::at))
                .orElse(LocalTime.of(10, 0));
        String template = hotel.flatMap(OccasionSettings::template)
                .or(() -> ofTenant.flatMap(OccasionSettings::template)).orElse(name).strip();
        if (!template.matches("[a-z0-9_]{1,60}")) {
            throw new IllegalArgumentException("journey occasion " + name.replace('_', '-') + ".template of tenant "
                    + tenant + " / hotel " + hotelCode + " is not a template name ([a-z0-9_]): " + template);
        }
        return new org.guestcrm.journey.domain.Occasions.Setting(enabled, period, at, template);
    }

    /**
     * The brand of each hotel, per tenant: {@code journey.hotel-brands.<tenant>.<hotelCode>=<brand>} (as the
     * optout-service's {@code optout.brands}); a brand-scoped consent of crm.consents holds for its hotels.
     */
    Map<String, Map<String, String>> hotelBrands();

    /** The brand of the tenant's hotel, else null. */
    default String brandOf(String tenant, String hotelCode) {
        Map<String, String> brands = hotelBrands().get(tenant);
        return brands == null || hotelCode == null ? null : brands.get(hotelCode);
    }

    /** The country of a hotel (ISO 3166-1 alpha-2), to read national phone numbers: e.g. {@code journey.hotel-countries.BER01=DE}. */
    Map<String, String> hotelCountries();

    /** A tenant's default country for its hotels without an entry in {@link #hotelCountries()}. */
    Map<String, String> tenantCountries();

    /** The hotel's country, else its tenant's, else null (then only numbers with a country code are valid). */
    default String countryOf(String tenant, String hotelCode) {
        String hotel = hotelCountries().get(hotelCode);
        return hotel != null ? hotel : tenantCountries().get(tenant);
    }

    default ZoneId zoneOf(String hotelCode) {
        return hotelZones().getOrDefault(hotelCode, defaultZone());
    }

    /** The hotel's zone, else its tenant's, else {@link #defaultZone()}. */
    default ZoneId zoneOf(String tenant, String hotelCode) {
        ZoneId hotel = hotelZones().get(hotelCode);
        return hotel != null ? hotel : tenantZones().getOrDefault(tenant, defaultZone());
    }

    /** The hotel's quiet hours, else its tenant's, else {@link #quietHours()}. */
    default QuietHours quietHoursOf(String tenant, String hotelCode) {
        String hotel = hotelQuietHours().get(hotelCode);
        return QuietHours.parse(hotel != null ? hotel : tenantQuietHours().getOrDefault(tenant, quietHours()));
    }

    default JourneySchedule schedule() {
        Steps steps = steps();
        return new JourneySchedule(
                StepTiming.daysFromArrival(steps.preStay().daysFromArrival(), steps.preStay().at()),
                StepTiming.daysFromArrival(steps.preCheckIn().daysFromArrival(), steps.preCheckIn().at()),
                StepTiming.daysFromArrival(steps.inStay().daysFromArrival(), steps.inStay().at()),
                StepTiming.daysFromDeparture(steps.postStaySurvey().daysFromDeparture(), steps.postStaySurvey().at()),
                steps.inStay().minimumNights(),
                new Freshness(steps.confirmation().freshness(),
                        new StepFreshness(steps.preStay().lateBooking(), steps.preStay().freshness()),
                        new StepFreshness(steps.preCheckIn().lateBooking(), steps.preCheckIn().freshness()),
                        new StepFreshness(steps.inStay().lateBooking(), steps.inStay().freshness()),
                        new StepFreshness(steps.postStaySurvey().lateBooking(), steps.postStaySurvey().freshness()),
                        new StepFreshness(steps.noShow().lateBooking(), steps.noShow().freshness())),
                StepTiming.daysFromArrival(steps.noShow().daysFromArrival(), steps.noShow().at()));
    }

    default DeliveryRetryPolicy retryPolicy() {
        return new DeliveryRetryPolicy(dispatcher().maxAttempts(), dispatcher().initialBackoff());
    }

    /** Guest-facing links in mails (served by the optout-service). */
    interface Links {
        /**
         * Base URL of the optout-service's one-click unsubscribe endpoint; the signed token is appended as {@code ?t=}.
         * Without it (or without {@code guestcrm.signed-links.keys}) non-transactional mails carry no List-Unsubscribe.
         */
        java.util.Optional<String> unsubscribeBaseUrl();

        /** How long an unsubscribe link stays valid. */
        @WithDefault("400d")
        java.time.Duration unsubscribeValidity();

        /**
         * Base URL of this service's survey page ({@code /survey}); the signed token is appended as a path segment.
         * Without it (or without {@code guestcrm.signed-links.keys}) the post-stay mail carries no survey link.
         */
        java.util.Optional<String> surveyBaseUrl();

        /** How long a survey link stays valid (answers may be changed until then). */
        @WithDefault("60d")
        java.time.Duration surveyValidity();

        /**
         * Base URL of this service's tracking endpoints ({@code /api/v1/track}): e-mails' HTML parts get an open pixel
         * and their links a signed click redirect. Without it (or without {@code guestcrm.signed-links.keys}) mails are
         * sent untracked and the KPIs' opened and clicked stay null.
         */
        java.util.Optional<String> trackingBaseUrl();

        /** How long a tracking link is honoured. */
        @WithDefault("400d")
        java.time.Duration trackingValidity();
    }

    interface Steps {
        Confirmation confirmation();

        PreStay preStay();

        PreCheckIn preCheckIn();

        InStay inStay();

        PostStaySurvey postStaySurvey();

        NoShow noShow();

        Notices notices();
    }

    /** The modification and cancellation notices ({@link org.guestcrm.journey.domain.NoticePlanner}). */
    interface Notices {
        /** A notice is due this long after the change that started it; changes arriving meanwhile join it. */
        @WithDefault("2m")
        Duration window();

        /** Sent only within this of the change (and of its due time), never once the stay has ended. */
        @WithDefault("48h")
        Duration freshness();
    }

    default org.guestcrm.journey.domain.NoticeSettings noticeSettings() {
        return new org.guestcrm.journey.domain.NoticeSettings(steps().notices().window(),
                steps().notices().freshness());
    }

    /** The no-show follow-up: planned when the PMS reports a no-show; the morning after the missed arrival. */
    interface NoShow {
        @WithDefault("1")
        int daysFromArrival();

        @WithDefault("10:00")
        LocalTime at();

        /** A no-show reported after the due time: sent now while fresh (default) or SKIP. */
        @WithDefault("SEND_NOW")
        StepFreshness.LateBooking lateBooking();

        @WithDefault("3d")
        Duration freshness();
    }

    interface Confirmation {
        /**
         * A confirmation goes out only within this of the booking's creation (PMS createdAt, else its first PMS
         * modification time), and never once the stay has ended.
         */
        @WithDefault("48h")
        Duration freshness();
    }

    interface PreStay {
        @WithDefault("-7")
        int daysFromArrival();

        @WithDefault("09:00")
        LocalTime at();

        /** A booking made after the due time: SKIP (default: no pre-stay mail for tonight's arrival) or SEND_NOW. */
        @WithDefault("SKIP")
        StepFreshness.LateBooking lateBooking();

        /** Sent at most this long after its due time (and never once the arrival day has begun). */
        @WithDefault("24h")
        Duration freshness();
    }

    interface PreCheckIn {
        @WithDefault("-1")
        int daysFromArrival();

        @WithDefault("10:00")
        LocalTime at();

        /** Default SEND_NOW: a booking for tomorrow still gets its check-in invitation today. */
        @WithDefault("SEND_NOW")
        StepFreshness.LateBooking lateBooking();

        /** Sent at most this long after its due time (and never once the arrival day has begun). */
        @WithDefault("24h")
        Duration freshness();
    }

    interface InStay {
        @WithDefault("1")
        int daysFromArrival();

        @WithDefault("10:00")
        LocalTime at();

        @WithDefault("2")
        int minimumNights();

        @WithDefault("SEND_NOW")
        StepFreshness.LateBooking lateBooking();

        /** Sent at most this long after its due time (and never once the departure day has begun). */
        @WithDefault("24h")
        Duration freshness();
    }

    interface PostStaySurvey {
        @WithDefault("1")
        int daysFromDeparture();

        @WithDefault("10:00")
        LocalTime at();

        @WithDefault("SEND_NOW")
        StepFreshness.LateBooking lateBooking();

        /** Sent at most this long after its due time. */
        @WithDefault("7d")
        Duration freshness();
    }

    interface Dispatcher {
        /** How often the dispatcher looks for due communications (also read by the @Scheduled expression). */
        @WithDefault("1s")
        Duration every();

        /** At most this many communications claimed per round and replica (a full round is followed by another). */
        @WithDefault("500")
        int batchSize();

        /**
         * How long a claim holds: while it does, no other replica sends the communication; once it expires without an
         * outcome (the replica died mid-exchange), another replica claims and sends it again with the same Message-ID.
         * Must be well above a round's duration (batch-size / concurrency x a slow SMTP exchange).
         */
        @WithDefault("2m")
        Duration lease();

        /** SMTP exchanges in flight at once per replica (keep at most {@code quarkus.mailer.max-pool-size}). */
        @WithDefault("10")
        int concurrency();

        /**
         * An SMTP exchange not answered within this is a transient failure (retried). A claimed mail is only started
         * while its lease has more than this left, so an exchange never outlives its lease.
         */
        @WithDefault("30s")
        Duration sendTimeout();

        /** Lease owner written on every claim; default: host name, process id and a random suffix. */
        Optional<String> instanceId();

        /** SMTP attempts before a communication is FAILED. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait after the first failed attempt; doubles after each further failure. */
        @WithDefault("30s")
        Duration initialBackoff();

        /** Domain of the Message-ID set on every e-mail ({@code <communicationId@domain>}). */
        @WithDefault("journey.guestcrm.local")
        String messageIdDomain();

        /**
         * At most this many outcomes whose recording failed (the database refused) are kept in memory and recorded
         * again before the next claim; one beyond it is left to its lease (claimed and sent again after expiry).
         */
        @WithDefault("10000")
        int maxUnrecordedOutcomes();

        /**
         * Outcomes of one round are recorded together: a group is closed when every outcome of the round has arrived,
         * when it holds {@link #recordBatch()} outcomes, or this long after its first outcome arrived; then it is
         * recorded in one transaction. {@code 0ms} records what has arrived at once (groups of 1-3 at concurrency 10).
         */
        @WithDefault("25ms")
        Duration recordWindow();

        /** At most this many outcomes recorded in one transaction. */
        @WithDefault("200")
        int recordBatch();
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

        /**
         * Whether a communication newly planned as SCHEDULED publishes a CommunicationEvent (issue 5). Off by default:
         * no consumer reads SCHEDULED (the desk and the opt-out service skip it by its {@code communication-status}
         * header unread), and it was five of the six records per booking, each an outbox row written, read, marked
         * sent and relayed. The row and the API show it; a SCHEDULED of an existing row (re-keyed by a merge, released
         * from a hold, planned again) is still published, and every other status (RESCHEDULED, HELD, CANCELLED, SKIPPED,
         * SENT, FAILED, BOUNCED, ...) is published as before.
         */
        @WithDefault("false")
        boolean publishScheduled();
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

        /**
         * A delivery_report row (the bounce mailbox's ledger of the reports read) is deleted once it was received longer
         * ago than this (on the service's clock). Its only later use is to recognise a report read again after a crash
         * between its commit and its delete from the mailbox (seconds); communication_feedback, kept, still makes a
         * report read again after its row is gone record nothing new.
         */
        @WithDefault("90d")
        Duration deliveryReports();

        /** Pause between two passes over delivery_report ({@code bounce.DeliveryReportRetention}). */
        @WithDefault("1h")
        Duration deliveryReportsEvery();

        /** PostgreSQL advisory lock key of those passes, one replica at a time ("JRNYDRP" in ASCII). */
        @WithDefault("20919644735165008")
        long deliveryReportsLockKey();
    }
}
