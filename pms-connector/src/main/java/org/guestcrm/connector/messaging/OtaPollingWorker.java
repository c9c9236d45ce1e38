package org.guestcrm.connector.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
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
    private OtaPollClient client;

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
        Instant nextDue = null;
        String oldestCursor = null;
        boolean first = true;
        int worstAttempts = 0;
        String worstError = null;
        int changes = 0;
        int read = 0;
        for (String hotel : api.hotelCodes()) {
            FeedPolls.HotelPoll state = states.get(hotel);
            // a hotel without state of its own (a feed polled before V22) starts from the feed's cursor
            String cursor = state != null ? state.cursor() : due.cursor();
            int attempts = state != null ? state.attempts() : 0;
            String error = state != null ? state.lastError() : null;
            Instant hotelNext = state != null ? state.nextPollAt() : roundStart;
            if (!hotelNext.isAfter(roundStart)) {
                read++;
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
                    changes += applied.reservations() + applied.cancellations() + applied.rejected();
                    if (attempts > 0) {
                        LOG.infof("Feed %s: hotel %s polled again after %d failed attempt(s).", due.feedId(), hotel,
                                attempts);
                    }
                    cursor = toCursor;
                    attempts = 0;
                    error = null;
                    hotelNext = next;
                    if (alpineBits) {
                        acknowledgePending(api, hotel);
                    }
                } catch (FetchFailure failure) {
                    hotelNext = hotelRetry(due.feedId(), hotel, attempts, failure.getMessage());
                    attempts++;
                    error = failure.getMessage();
                } catch (RuntimeException e) {
                    String reason = "the poll could not be applied (" + e.getClass().getSimpleName() + ")";
                    hotelNext = hotelRetry(due.feedId(), hotel, attempts, reason);
                    attempts++;
                    error = reason;
                }
            }
            nextDue = nextDue == null || hotelNext.isBefore(nextDue) ? hotelNext : nextDue;
            if (first || older(cursor, oldestCursor)) {
                oldestCursor = cursor;
            }
            first = false;
            if (attempts > worstAttempts) {
                worstAttempts = attempts;
                worstError = "hotel " + hotel + ": " + error;
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
