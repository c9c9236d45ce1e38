package org.guestcrm.connector.messaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.guestcrm.connector.api.CanonicalItems;
import org.guestcrm.connector.api.CanonicalJsonReader;
import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.api.CanonicalReservationResource;
import org.guestcrm.connector.api.Problem;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.messaging.InboundMessageIntake.AcceptedMessage;
import org.guestcrm.connector.messaging.InboundMessageIntake.Receipt;
import org.guestcrm.connector.ota.OtaInbound;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.ParsedOtaMessage.ParsedReservation;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.persistence.RawArchive;
import org.guestcrm.connector.persistence.RawArchive.Counts;
import org.guestcrm.connector.persistence.RawArchive.Entry;
import org.guestcrm.connector.vendor.FetchFailure;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Replays a feed's raw archive for a time range after a mapping fix: every archived message of the range (accepted
 * ones, and refused ones whose body was readable), in received order, is parsed and mapped by today's code and run
 * through {@link InboundMessageIntake#replay}, one transaction per message. The logical deduplication decides: content
 * as emitted before emits nothing (unchanged), content the fix changed is emitted again, marked history, and a message
 * refused before that is accepted now emits its events. Nothing here calls a PMS.
 */
@ApplicationScoped
public class FeedReplay {

    private static final Logger LOG = Logger.getLogger(FeedReplay.class);
    private static final int PAGE = 100;

    /** The feed as the replay needs it. */
    public record Feed(String feedId, String tenantId, String defaultCurrency) {
    }

    /** What one replay did. */
    public record Outcome(UUID replayId, String feedId, Instant from, Instant to, int messages, int reEmitted,
                          int unchanged, int refused, int notReplayable, int eventsEmitted) {
    }

    /** The range holds more archived messages than one replay may re-run. */
    public static final class TooManyMessages extends RuntimeException {
        public final long found;

        TooManyMessages(long found) {
            super(null, null, false, false);
            this.found = found;
        }
    }

    /** Today's code refuses the archived message; {@code reason} names fields, never values. */
    private static final class Refusal extends Exception {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    @Inject
    RawArchive archive;
    @Inject
    InboundMessageIntake intake;
    @Inject
    CanonicalJsonReader jsonReader;
    @Inject
    Validator validator;
    @Inject
    ObjectMapper json;
    @Inject
    JsonPollingWorker polling;
    @Inject
    WebhookFetchWorker webhooks;
    @Inject
    PmsApiSettings settings;
    @Inject
    ConnectorConfig config;
    @Inject
    MeterRegistry meters;

    private final OtaInbound ota = new OtaInbound();
    private final org.guestcrm.connector.ota.OtaPollAnswers pollAnswers = new org.guestcrm.connector.ota.OtaPollAnswers();

    public Outcome replay(Feed feed, Instant from, Instant to, String requestedBy) {
        long found = archive.count(feed.feedId(), from, to);
        if (found > config.replay().maxMessages()) {
            throw new TooManyMessages(found);
        }
        UUID replayId = UUID.randomUUID();
        archive.replayStarted(replayId, feed.feedId(), feed.tenantId(), requestedBy, from, to, Instant.now());
        LOG.infof("Replay %s of feed %s started by %s: %d archived message(s) received from %s to %s.", replayId,
                feed.feedId(), requestedBy, found, from, to);
        Tally tally = new Tally();
        Set<UUID> acceptedNow = new HashSet<>();
        Instant afterAt = Instant.EPOCH;
        UUID afterId = new UUID(0, 0);
        while (true) {
            List<Entry> page = archive.page(feed.feedId(), from, to, afterAt, afterId, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (Entry entry : page) {
                afterAt = entry.receivedAt();
                afterId = entry.id();
                if (!entry.refused() && acceptedNow.contains(entry.id())) {
                    continue; // a refused message this replay accepted: already re-run as itself
                }
                replayOne(feed, entry, replayId, tally, acceptedNow);
            }
            archive.replayProgress(replayId, tally.counts(), false);
        }
        archive.replayProgress(replayId, tally.counts(), true);
        meters.counter("connector.replay.messages", "feed", feed.feedId(), "outcome", "re_emitted").increment(tally.reEmitted);
        meters.counter("connector.replay.messages", "feed", feed.feedId(), "outcome", "unchanged").increment(tally.unchanged);
        meters.counter("connector.replay.messages", "feed", feed.feedId(), "outcome", "refused").increment(tally.refused);
        meters.counter("connector.replay.messages", "feed", feed.feedId(), "outcome", "not_replayable")
                .increment(tally.notReplayable);
        LOG.infof("Replay %s of feed %s done: %d message(s), %d re-emitted (%d event(s)), %d unchanged, %d refused,"
                        + " %d without a kept payload or of a type not replayed.", replayId, feed.feedId(), tally.messages,
                tally.reEmitted, tally.events, tally.unchanged, tally.refused, tally.notReplayable);
        return new Outcome(replayId, feed.feedId(), from, to, tally.messages, tally.reEmitted, tally.unchanged,
                tally.refused, tally.notReplayable, tally.events);
    }

    private void replayOne(Feed feed, Entry entry, UUID replayId, Tally tally, Set<UUID> acceptedNow) {
        tally.messages++;
        if (entry.payload() == null) {
            tally.notReplayable++;
            return;
        }
        AcceptedMessage message;
        try {
            message = parse(feed, entry);
        } catch (Refusal refusal) {
            refused(entry, refusal.getMessage(), tally);
            return;
        } catch (UnsupportedOperationException unsupported) {
            tally.notReplayable++;
            LOG.debugf("Replay %s: message %s of type %s is not replayed (%s).", replayId, entry.id(), entry.messageType(),
                    unsupported.getMessage());
            return;
        }
        try {
            Receipt receipt = QuarkusTransaction.requiringNew().call(() -> {
                Receipt r = intake.replay(message, entry.refused() ? null : entry.id(), entry.receivedAt(), replayId);
                if (entry.refused()) {
                    archive.accepted(entry.id(), r.messageId());
                }
                return r;
            });
            if (entry.refused()) {
                acceptedNow.add(receipt.messageId());
            }
            if (receipt.eventIds().isEmpty()) {
                tally.unchanged++;
            } else {
                tally.reEmitted++;
                tally.events += receipt.eventIds().size();
            }
        } catch (RuntimeException e) {
            InboundMessageIntake.Refused refused = refusal(e);
            if (refused == null) {
                throw e;
            }
            refused(entry, refused.field() + " " + refused.getMessage(), tally);
        }
    }

    /** The intake's refusal behind a transaction's exception, or null when it is another failure. */
    private static InboundMessageIntake.Refused refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InboundMessageIntake.Refused refused) {
                return refused;
            }
        }
        return null;
    }

    private void refused(Entry entry, String reason, Tally tally) {
        tally.refused++;
        if (entry.refused()) {
            archive.stillRefused(entry.id(), reason);
        }
        LOG.debugf("Replay: archived message %s (%s) is refused by today's code: %s", entry.id(), entry.messageType(),
                reason);
    }

    /** The archived payload as today's code reads it, by the type it was archived under. */
    private AcceptedMessage parse(Feed feed, Entry entry) throws Refusal {
        String type = entry.messageType();
        byte[] bytes = entry.payload().getBytes(StandardCharsets.UTF_8);
        if (type.equals(OtaPollingWorker.MESSAGE_TYPE)) {
            org.guestcrm.connector.ota.OtaReservationParser.Retrieved retrieved;
            try {
                retrieved = pollAnswers.retrieved(bytes, null);
            } catch (OtaRejection rejection) {
                throw new Refusal(rejection.getMessage());
            }
            return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(), type,
                    entry.payload(), retrieved.items().stream().filter(i -> i.reservation() != null)
                    .map(i -> i.reservation().reservation()).toList(), List.of(), retrieved.items().stream()
                    .filter(i -> i.cancellation() != null).map(i -> i.cancellation()).toList());
        }
        if (type.startsWith("OTA_")) {
            OtaInbound.Message read;
            try {
                read = ota.read(bytes);
            } catch (OtaRejection rejection) {
                throw new Refusal(rejection.getMessage());
            }
            if (read.profiles() != null) {
                return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(),
                        type, entry.payload(), List.of(), read.profiles().changes(), List.of());
            }
            if (read.cancel() != null) {
                return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(),
                        type, entry.payload(), List.of(), List.of(), read.cancel().cancellation() == null ? List.of()
                        : List.of(read.cancel().cancellation()));
            }
            return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(), type,
                    entry.payload(), read.reservations().reservations().stream().map(ParsedReservation::reservation)
                    .toList());
        }
        if (type.equals("CanonicalReservation")) {
            CanonicalReservation dto;
            try {
                dto = jsonReader.read(bytes);
            } catch (JsonProcessingException e) {
                Problem.FieldError error = CanonicalReservationResource.jsonError(e);
                throw new Refusal(error.field() + " " + error.message());
            } catch (IOException e) {
                throw new Refusal("body is unreadable");
            }
            if (dto == null) {
                throw new Refusal("body is empty");
            }
            CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
            if (!checked.accepted()) {
                throw new Refusal(checked.problems().stream().map(p -> p.field() + " " + p.message()).toList().toString());
            }
            return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(), type,
                    entry.payload(), List.of(checked.reservation()));
        }
        try {
            if (type.equals("poll.ChangesPage")) {
                JsonPollingWorker.Page page = polling.read(json.readTree(bytes));
                return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(),
                        type, entry.payload(), page.reservations());
            }
            if (type.startsWith("apaleo.") || type.startsWith("mews.")) {
                WebhookFetchWorker.Fetched fetched = webhooks.mapArchived(settings.forFetch(feed.feedId()).orElse(null),
                        type, json.readTree(bytes));
                return new AcceptedMessage(feed.tenantId(), feed.feedId(), feed.defaultCurrency(), entry.bodySha256(),
                        type, entry.payload(), fetched.reservations(), fetched.profiles(), List.of());
            }
        } catch (FetchFailure failure) {
            throw new Refusal(failure.getMessage());
        } catch (IOException e) {
            throw new Refusal("body is not readable JSON");
        }
        throw new UnsupportedOperationException("no reader for message type " + type);
    }

    private static final class Tally {
        int messages;
        int reEmitted;
        int unchanged;
        int refused;
        int notReplayable;
        int events;

        Counts counts() {
            return new Counts(messages, reEmitted, unchanged, refused, notReplayable, events);
        }
    }
}
