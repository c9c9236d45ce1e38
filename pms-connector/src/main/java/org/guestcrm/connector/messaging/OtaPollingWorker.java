package org.guestcrm.connector.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.api.InboundMetrics;
import org.guestcrm.connector.api.RefusedArchive;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationCancellation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.ota.OtaPollAnswers;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaReservationParser;
import org.guestcrm.connector.persistence.FeedPolls;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.persistence.RawArchive;
import org.guestcrm.connector.vendor.FetchFailure;
import org.guestcrm.connector.vendor.OtaPollClient;
import org.guestcrm.connector.vendor.PmsApi;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Polls OpenTravel PMSs: OTA_POLLING feeds (OTA_ReadRQ with a LastUpdateDate selection from the persisted cursor) and
 * ALPINEBITS_POLLING feeds (AlpineBits GuestRequests: OTA_Read:GuestRequests, then OTA_NotifReport:GuestRequests).
 * A replica claims a due feed with a lease ({@link FeedPolls}), reads each hotel of the feed that is due from that hotel's
 * own cursor (a failing hotel is retried with its own backoff, the others advance), and applies each answer in one
 * transaction: its reservations through {@link OtaReservationParser#parseRetrieved} (each HotelReservation on its
 * own: a bad one is refused alone) and {@link InboundMessageIntake} (logical deduplication, outbox), AlpineBits
 * cancellations by id to the reservation's last emitted state, the refused ones recorded with their reasons, and the
 * AlpineBits requests to acknowledge. Only after that commit is the acknowledgement sent; one that fails stays pending
 * and is sent first on the next round. A PMS error is retried with backoff (per hotel); an answer that is not a usable
 * OTA_ResRetrieveRS is archived ({@code refused_message}) and reported (lastError, a counter), never applied.
 */
@ApplicationScoped
public class OtaPollingWorker {

    private static final Logger LOG = Logger.getLogger(OtaPollingWorker.class);
    static final List<String> KINDS = List.of(FeedKind.OTA_POLLING.name(), FeedKind.ALPINEBITS_POLLING.name());
    /** Message type of a polled answer in the raw archive. */
    public static final String MESSAGE_TYPE = "poll.OTA_ResRetrieveRS";
    /** The LastUpdateDate selection starts this long before the previous round (the PMS's clock may run behind). */
    static final Duration CURSOR_OVERLAP = Duration.ofMinutes(1);
    static final int RESERVATIONS_PER_MESSAGE = 100;

    @Inject
    FeedPolls polls;
    @Inject
    PmsApiSettings settings;
    @Inject
    InboundMessageIntake intake;
    @Inject
    ConnectorConfig config;
    @Inject
    RefusedArchive refusedArchive;
    @Inject
    RawArchive rawArchive;
    @Inject
    InboundMetrics metrics;
    @Inject
    MeterRegistry meters;

    private final OtaPollAnswers answers = new OtaPollAnswers();
    /** The hotels of a round run here (virtual threads; per round at most the feed's concurrency at once). */
    private final ExecutorService hotelPool = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("connector-ota-poll-hotel-", 0).factory());
    /** feed + hotel being read on this replica right now. */
    private final java.util.Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private OtaPollClient client;

    @PreDestroy
    void close() {
        hotelPool.shutdownNow();
    }

    @PostConstruct
    void init() {
        client = new OtaPollClient(config.webhooks().requestTimeout(), config.inbound().maxBodyBytes());
    }

    @Scheduled(every = "${connector.polling.tick:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-ota-polling")
    void tick() {
        for (int round = 0; round < 100; round++) {
            Optional<FeedPolls.Due> due;
            try {
                due = polls.claim(KINDS, Instant.now().plus(config.polling().lease()),
                        config.polling().defaultIntervalSeconds());
            } catch (RuntimeException e) {
                LOG.warnf("Due OTA polls could not be claimed (%s); trying again at the next tick.",
                        e.getClass().getSimpleName());
                return;
            }
            if (due.isEmpty()) {
                return;
            }
            poll(due.get());
        }
    }

    /** What one hotel's answer held. */
    record Applied(int reservations, int cancellations, int rejected) {
    }

    /**
     * One round of a claimed feed: every hotel that is due (its own next poll; a failing hotel waits for its backoff) is
     * read from its own cursor and applied on its own. A hotel whose read or answer fails is retried with backoff and
     * never holds back the cursors of the others; the feed is due again when its first hotel is.
     */
    void poll(FeedPolls.Due due) {
        Instant roundStart = Instant.now();
        PmsApi api;
        Map<String, FeedPolls.HotelPoll> states;
        try {
            api = settings.forFetch(due.feedId()).orElseThrow(() -> new FetchFailure(true,
                    "the feed has no usable PMS API settings (PUT /api/v1/feeds/" + due.feedId() + "/pms-api)"));
            if (api.hotelCodes().isEmpty()) {
                throw new FetchFailure(false, "the feed names no hotel to read (PUT /api/v1/feeds/" + due.feedId() + ")");
            }
            states = polls.hotels(due.feedId());
        } catch (FetchFailure failure) {
            retry(due, failure.getMessage());
            return;
        } catch (RuntimeException e) {
            retry(due, "the poll could not be prepared (" + e.getClass().getSimpleName() + ")");
            return;
        }
        boolean alpineBits = api.kind() == FeedKind.ALPINEBITS_POLLING;
        try {
            // a hotel taken out of the feed's configuration keeps no poll state (nor shows one)
            polls.forgetHotelsOtherThan(due.feedId(), api.hotelCodes());
        } catch (RuntimeException e) {
            LOG.warnf("Feed %s: the poll state of hotels no longer in the feed could not be removed (%s).",
                    due.feedId(), e.getClass().getSimpleName());
        }
        // The due hotels are read side by side (at most the feed's concurrency at once), each from its own cursor and in
        // its own transaction: a slow or hanging hotel delays neither the reads nor the cursors of the others.
        List<String> hotels = api.hotelCodes();
        Semaphore slots = new Semaphore(Math.max(1, Math.min(hotels.size(), config.webhooks().concurrencyPerFeed())));
        List<Future<HotelRound>> rounds = new ArrayList<>();
        for (String hotel : hotels) {
            FeedPolls.HotelPoll state = states.get(hotel);
            String key = due.feedId() + "\u0000" + hotel;
            if (!inFlight.add(key)) {
                // still being read by an earlier round of this replica (a slow PMS): not read twice at once
                rounds.add(java.util.concurrent.CompletableFuture.completedFuture(stillReading(due, state, roundStart)));
                continue;
            }
            rounds.add(hotelPool.submit(() -> {
                try {
                    slots.acquire();
                    try {
                        return pollHotel(due, api, alpineBits, hotel, state, roundStart);
                    } finally {
                        slots.release();
                    }
                } finally {
                    inFlight.remove(key);
                }
            }));
        }
        // The round waits for its hotels at most one interval (or half the lease): a hotel still being read after that
        // goes on by itself (its answer, cursor or failure are recorded by its own task) and the round ends without it,
        // so the next round of the other hotels comes at their interval.
        Duration longest = Duration.ofSeconds(Math.max(1, due.intervalSeconds()));
        Duration halfLease = config.polling().lease().dividedBy(2);
        Instant waitUntil = roundStart.plus(longest.compareTo(halfLease) < 0 ? longest : halfLease);
        Instant nextDue = null;
        String oldestCursor = null;
        boolean first = true;
        int worstAttempts = 0;
        String worstError = null;
        int changes = 0;
        int read = 0;
        for (int i = 0; i < hotels.size(); i++) {
            String hotel = hotels.get(i);
            HotelRound done;
            try {
                long waitMillis = Math.max(0, Duration.between(Instant.now(), waitUntil).toMillis());
                done = rounds.get(i).get(waitMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                done = stillReading(due, states.get(hotel), roundStart);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                // pollHotel records its own failures; this is a failure to record them: retried after the backoff
                String reason = "the poll could not be run (" + e.getCause().getClass().getSimpleName() + ")";
                FeedPolls.HotelPoll state = states.get(hotel);
                done = new HotelRound(state != null ? state.cursor() : due.cursor(), roundStart.plus(backoff(0)),
                        (state != null ? state.attempts() : 0) + 1, reason, false, 0);
            }
            if (done.read()) {
                read++;
            }
            changes += done.changes();
            nextDue = nextDue == null || done.next().isBefore(nextDue) ? done.next() : nextDue;
            if (first || older(done.cursor(), oldestCursor)) {
                oldestCursor = done.cursor();
            }
            first = false;
            if (done.attempts() > worstAttempts) {
                worstAttempts = done.attempts();
                worstError = "hotel " + hotel + ": " + done.error();
            }
        }
        try {
            polls.roundDone(due.feedId(), nextDue, oldestCursor == null ? "0" : oldestCursor, worstAttempts, worstError);
        } catch (RuntimeException e) {
            LOG.warnf("Feed %s: the poll round could not be recorded (%s); its lease runs out.", due.feedId(),
                    e.getClass().getSimpleName());
        }
        LOG.debugf("Feed %s polled: %d reservation(s) read from %d of %d hotel(s).", due.feedId(), changes, read,
                api.hotelCodes().size());
    }

    /** One hotel's part of a round: its cursor, next poll, failures after it, whether it was read, changes applied. */
    record HotelRound(String cursor, Instant next, int attempts, String error, boolean read, int changes) {
    }

    /** A hotel whose read is still running: its last recorded state, due again after one interval. */
    private static HotelRound stillReading(FeedPolls.Due due, FeedPolls.HotelPoll state, Instant roundStart) {
        return new HotelRound(state != null ? state.cursor() : due.cursor(), roundStart.plusSeconds(due.intervalSeconds()),
                state != null ? state.attempts() : 0, state != null ? state.lastError() : null, false, 0);
    }

    /** Reads and applies one hotel when it is due (its own cursor, backoff and transaction); never throws for the PMS. */
    HotelRound pollHotel(FeedPolls.Due due, PmsApi api, boolean alpineBits, String hotel, FeedPolls.HotelPoll state,
                         Instant roundStart) {
        // a hotel without state of its own (a feed polled before V22) starts from the feed's cursor
        String cursor = state != null ? state.cursor() : due.cursor();
        int attempts = state != null ? state.attempts() : 0;
        String error = state != null ? state.lastError() : null;
        Instant hotelNext = state != null ? state.nextPollAt() : roundStart;
        if (hotelNext.isAfter(roundStart)) {
            return new HotelRound(cursor, hotelNext, attempts, error, false, 0);
        }
        // OTA: the next LastUpdateDate selection starts from this round (less the overlap); for AlpineBits the
        // PMS keeps the state (what is not acknowledged is sent again), the cursor tells when
        String toCursor = alpineBits ? roundStart.toString() : roundStart.minus(CURSOR_OVERLAP).toString();
        Instant next = roundStart.plusSeconds(due.intervalSeconds());
        try {
            if (alpineBits) {
                acknowledgePending(api, hotel);
            }
            byte[] answer = client.read(api, hotel, alpineBits ? null : cursorTime(cursor));
            Applied applied = apply(api, hotel, hotel + "@" + roundStart, toCursor, next, answer);
            if (attempts > 0) {
                LOG.infof("Feed %s: hotel %s polled again after %d failed attempt(s).", due.feedId(), hotel, attempts);
            }
            if (alpineBits) {
                acknowledgePending(api, hotel);
            }
            return new HotelRound(toCursor, next, 0, null, true,
                    applied.reservations() + applied.cancellations() + applied.rejected());
        } catch (FetchFailure failure) {
            return new HotelRound(cursor, hotelRetry(due.feedId(), hotel, attempts, failure.getMessage()), attempts + 1,
                    failure.getMessage(), true, 0);
        } catch (RuntimeException e) {
            String reason = "the poll could not be applied (" + e.getClass().getSimpleName() + ")";
            return new HotelRound(cursor, hotelRetry(due.feedId(), hotel, attempts, reason), attempts + 1, reason, true, 0);
        }
    }

    /** Whether cursor {@code a} reads from an earlier point than {@code b} (never polled, "0", is the earliest). */
    static boolean older(String a, String b) {
        Instant at = cursorTime(a);
        Instant bt = cursorTime(b);
        if (at == null) {
            return bt != null;
        }
        return bt != null && at.isBefore(bt);
    }

    /** A hotel failed: its next attempt after the backoff ({@code attempts} failures before this one), recorded. */
    private Instant hotelRetry(String feedId, String hotel, int attempts, String reason) {
        Instant next = Instant.now().plus(backoff(attempts));
        if (attempts == 0) {
            LOG.infof("Feed %s: polling hotel %s failed (%s); retrying it with backoff, the other hotels go on.", feedId,
                    hotel, reason);
        }
        meters.counter("connector.poll.failures", "feed", feedId).increment();
        try {
            polls.hotelFailed(feedId, hotel, next, reason);
        } catch (RuntimeException e) {
            LOG.warnf("Feed %s: the failed poll of hotel %s could not be recorded (%s).", feedId, hotel,
                    e.getClass().getSimpleName());
        }
        return next;
    }

    private Duration backoff(int attempts) {
        Duration wait = config.webhooks().retryInitial().multipliedBy(1L << Math.min(attempts, 20));
        return wait.compareTo(config.webhooks().retryMax()) > 0 ? config.webhooks().retryMax() : wait;
    }

    /**
     * Applies one hotel's answer in one transaction (the events, the refusals, the acknowledgements to send, the hotel's
     * cursor moved to {@code toCursor} and its next poll set to {@code next}). An answer that is not a usable
     * OTA_ResRetrieveRS is archived and reported: a FetchFailure, so that hotel is retried with backoff.
     */
    Applied apply(PmsApi api, String hotel, String label, String toCursor, Instant next, byte[] answer)
            throws FetchFailure {
        OtaReservationParser.Retrieved retrieved;
        try {
            retrieved = answers.retrieved(answer, hotel);
        } catch (OtaRejection rejection) {
            malformed(api, answer, hotel, rejection.kind() + ": " + rejection.getMessage());
            throw new FetchFailure(true, "the answer for hotel " + hotel + " is not a usable OTA_ResRetrieveRS ("
                    + rejection.kind() + ": " + rejection.getMessage() + "); archived");
        }
        List<Reservation> reservations = new ArrayList<>();
        List<ReservationCancellation> cancellations = new ArrayList<>();
        List<FeedPolls.Rejection> rejections = new ArrayList<>();
        List<FeedPolls.PendingAck> acks = new ArrayList<>();
        for (OtaReservationParser.RetrievedItem item : retrieved.items()) {
            if (item.reservation() != null) {
                reservations.add(item.reservation().reservation());
            } else if (item.cancellation() != null) {
                cancellations.add(item.cancellation());
            } else {
                rejections.add(new FeedPolls.Rejection(item.index(), truncate(item.reservationId(), 190),
                        item.rejection().kind() + ": " + item.rejection().getMessage()));
            }
            if (item.uniqueId() != null) {
                acks.add(new FeedPolls.PendingAck(hotel, truncate(item.uniqueId().type() == null ? "14"
                        : item.uniqueId().type(), 8), truncate(item.uniqueId().value(), 190)));
            }
        }
        String bodySha = Tokens.sha256Hex(answer);
        String payload = config.inbound().storeMaskedPayload() ? retrieved.cardFreeXml() : null;
        List<String> held = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            int chunks = Math.max(1, (reservations.size() + RESERVATIONS_PER_MESSAGE - 1) / RESERVATIONS_PER_MESSAGE);
            if (!reservations.isEmpty() || !cancellations.isEmpty()) {
                for (int chunk = 0; chunk < chunks; chunk++) {
                    List<Reservation> part = reservations.subList(Math.min(reservations.size(), chunk * RESERVATIONS_PER_MESSAGE),
                            Math.min(reservations.size(), (chunk + 1) * RESERVATIONS_PER_MESSAGE));
                    InboundMessageIntake.Receipt receipt = intake.record(new InboundMessageIntake.AcceptedMessage(
                            api.tenantId(), api.feedId(), api.defaultCurrency(), Tokens.sha256Hex(("otapoll:" + api.feedId()
                                    + ":" + hotel + ":" + chunk + ":" + bodySha).getBytes(StandardCharsets.UTF_8)),
                            MESSAGE_TYPE, payload, part, List.of(), chunk == chunks - 1 ? cancellations : List.of()));
                    held.addAll(receipt.heldCancellations());
                }
            }
            polls.hotelAnswered(api.feedId(), hotel, label, toCursor, next, reservations.size() + cancellations.size(),
                    rejections);
            if (api.kind() == FeedKind.ALPINEBITS_POLLING) {
                polls.awaitAcknowledgement(api.feedId(), acks);
            }
        });
        if (!retrieved.warnings().isEmpty()) {
            metrics.fieldsDropped(api.feedId(), retrieved.warnings());
        }
        for (String id : held) {
            LOG.infof("Feed %s: a polled cancellation names reservation %s, not received yet: held as its version.",
                    api.feedId(), id);
        }
        if (!rejections.isEmpty()) {
            meters.counter("connector.poll.changes.rejected", "feed", api.feedId()).increment(rejections.size());
            refusedArchive.refusedOta(api.feedId(), answer, rejections.size() + " HotelReservation(s) refused: "
                    + rejections.stream().map(FeedPolls.Rejection::fields).toList());
            LOG.infof("Feed %s: %d reservation(s) of hotel %s's answer refused: %s", api.feedId(), rejections.size(), hotel,
                    rejections.stream().map(r -> r.pmsReservationId() + " " + r.fields()).toList());
        }
        return new Applied(reservations.size(), cancellations.size(), rejections.size());
    }

    /** Keeps a malformed answer: card-free when it is a readable document, else its hash and the reason only. */
    private void malformed(PmsApi api, byte[] answer, String hotel, String reason) {
        meters.counter("connector.poll.answers.malformed", "feed", api.feedId()).increment();
        String why = "poll answer for hotel " + hotel + ": " + reason;
        if (answers.readable(answer)) {
            refusedArchive.refusedOta(api.feedId(), answer, why);
        } else {
            try {
                rawArchive.refused(api.feedId(), Tokens.sha256Hex(answer), MESSAGE_TYPE, why, null);
            } catch (RuntimeException e) {
                LOG.warnf("Feed %s: a malformed poll answer could not be archived (%s).", api.feedId(),
                        e.getClass().getSimpleName());
            }
        }
        LOG.infof("Feed %s: the answer for hotel %s is not a usable OTA_ResRetrieveRS (%s); archived, retried with backoff.",
                api.feedId(), hotel, reason);
    }

    /** AlpineBits: acknowledges what is committed and not acknowledged yet (OTA_NotifReportRQ); the rows go on Success. */
    private void acknowledgePending(PmsApi api, String hotel) throws FetchFailure {
        List<FeedPolls.PendingAck> pending = polls.pendingAcknowledgements(api.feedId(), hotel);
        if (pending.isEmpty()) {
            return;
        }
        byte[] answer = client.acknowledge(api, pending.stream().map(p -> new String[] {p.uniqueIdType(), p.uniqueId()})
                .toList());
        if (!answers.notifReportSucceeded(answer)) {
            throw new FetchFailure(true, "the acknowledgement of " + pending.size() + " request(s) of hotel " + hotel
                    + " was not answered with OTA_NotifReportRS Success");
        }
        polls.acknowledged(api.feedId(), pending);
        meters.counter("connector.alpinebits.acknowledged", "feed", api.feedId()).increment(pending.size());
    }

    /** The whole feed failed before any hotel was read (no settings, no hotel, the database). */
    private void retry(FeedPolls.Due due, String reason) {
        Duration wait = backoff(due.attempts());
        if (due.attempts() == 0) {
            LOG.infof("Feed %s: polling failed (%s); retrying with backoff.", due.feedId(), reason);
        }
        meters.counter("connector.poll.failures", "feed", due.feedId()).increment();
        try {
            polls.retryAt(due.feedId(), Instant.now().plus(wait), reason);
        } catch (RuntimeException e) {
            LOG.warnf("Feed %s: the failed poll could not be recorded (%s); its lease runs out.", due.feedId(),
                    e.getClass().getSimpleName());
        }
    }

    /** The persisted cursor as the LastUpdateDate start; "0" (never polled) or unreadable: read everything. */
    static Instant cursorTime(String cursor) {
        if (cursor == null || cursor.equals("0")) {
            return null;
        }
        try {
            return Instant.parse(cursor);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
