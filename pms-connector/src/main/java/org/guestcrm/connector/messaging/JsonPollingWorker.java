package org.guestcrm.connector.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.guestcrm.connector.api.CanonicalItems;
import org.guestcrm.connector.api.CanonicalJsonReader;
import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.api.CanonicalReservationResource;
import org.guestcrm.connector.api.Problem;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.persistence.FeedPolls;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.vendor.FetchFailure;
import org.guestcrm.connector.vendor.PmsApi;
import org.guestcrm.connector.vendor.PmsApiClient;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Polls JSON_POLLING feeds: claims a due feed with a lease, asks its changes-since API for the changes after the
 * persisted cursor, page by page, and applies each page in one transaction: the valid changes through the JSON push's
 * validation and {@link InboundMessageIntake} (logical deduplication, outbox), the refused ones recorded with their
 * fields, and the cursor moved to the page's {@code nextCursor}. A restart (or another replica) resumes from the
 * committed cursor; a PMS outage leaves the cursor where it was and is retried with backoff, then caught up.
 */
@ApplicationScoped
public class JsonPollingWorker {

    private static final Logger LOG = Logger.getLogger(JsonPollingWorker.class);

    @Inject
    FeedPolls polls;
    @Inject
    PmsApiSettings settings;
    @Inject
    InboundMessageIntake intake;
    @Inject
    ConnectorConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    CanonicalJsonReader reader;
    @Inject
    Validator validator;
    @Inject
    MeterRegistry meters;

    private PmsApiClient client;

    @PostConstruct
    void init() {
        client = new PmsApiClient(json, config.webhooks().requestTimeout(), config.webhooks().mewsClient());
    }

    @Scheduled(every = "${connector.polling.tick:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-json-polling")
    void tick() {
        for (int round = 0; round < 100; round++) {
            Optional<FeedPolls.Due> due;
            try {
                due = polls.claim(Instant.now().plus(config.polling().lease()), config.polling().defaultIntervalSeconds());
            } catch (RuntimeException e) {
                LOG.warnf("Due polls could not be claimed (%s); trying again at the next tick.", e.getClass().getSimpleName());
                return;
            }
            if (due.isEmpty()) {
                return;
            }
            poll(due.get());
        }
    }

    private void poll(FeedPolls.Due due) {
        String cursor = due.cursor();
        int changes = 0;
        try {
            PmsApi api = settings.forFetch(due.feedId()).orElseThrow(() -> new FetchFailure(true,
                    "the feed has no usable PMS API settings (PUT /api/v1/feeds/" + due.feedId() + "/pms-api)"));
            for (int page = 0; page < config.polling().maxPagesPerRound(); page++) {
                JsonNode answer = client.changesSince(api, cursor, Math.min(100, config.polling().pageSize()));
                Page read = read(answer);
                String from = cursor;
                String body = answer.toString();
                QuarkusTransaction.requiringNew().run(() -> {
                    if (!read.reservations().isEmpty()) {
                        intake.record(new InboundMessageIntake.AcceptedMessage(api.tenantId(), api.feedId(),
                                api.defaultCurrency(), Tokens.sha256Hex(("poll:" + api.feedId() + ":" + from + ":" + body)
                                        .getBytes(StandardCharsets.UTF_8)), "poll.ChangesPage",
                                config.inbound().storeMaskedPayload() ? body : null, read.reservations()));
                    }
                    polls.advance(api.feedId(), from, read.nextCursor(), read.reservations().size(), read.rejections());
                });
                changes += read.reservations().size() + read.rejections().size();
                if (!read.rejections().isEmpty()) {
                    meters.counter("connector.poll.changes.rejected", "feed", api.feedId()).increment(read.rejections().size());
                    LOG.infof("Feed %s: %d change(s) after cursor %s refused: %s", api.feedId(), read.rejections().size(),
                            from, read.rejections().stream().map(r -> r.pmsReservationId() + " " + r.fields()).toList());
                }
                cursor = read.nextCursor();
                if (!read.hasMore()) {
                    break;
                }
            }
            polls.done(due.feedId(), Instant.now().plusSeconds(due.intervalSeconds()));
            if (due.attempts() > 0) {
                LOG.infof("Feed %s: polled again after %d failed attempt(s); cursor now %s.", due.feedId(),
                        due.attempts(), cursor);
            }
            LOG.debugf("Feed %s polled: %d change(s), cursor %s.", due.feedId(), changes, cursor);
        } catch (FetchFailure failure) {
            retry(due, failure.getMessage());
        } catch (RuntimeException e) {
            retry(due, "the poll could not be applied (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void retry(FeedPolls.Due due, String reason) {
        Duration wait = config.webhooks().retryInitial().multipliedBy(1L << Math.min(due.attempts(), 20));
        if (wait.compareTo(config.webhooks().retryMax()) > 0) {
            wait = config.webhooks().retryMax();
        }
        if (due.attempts() == 0) {
            LOG.infof("Feed %s: polling failed (%s); retrying with backoff from cursor %s.", due.feedId(), reason,
                    due.cursor());
        }
        meters.counter("connector.poll.failures", "feed", due.feedId()).increment();
        try {
            polls.retryAt(due.feedId(), Instant.now().plus(wait), reason);
        } catch (RuntimeException e) {
            LOG.warnf("Feed %s: the failed poll could not be recorded (%s); its lease runs out.", due.feedId(),
                    e.getClass().getSimpleName());
        }
    }

    record Page(List<Reservation> reservations, List<FeedPolls.Rejection> rejections, String nextCursor,
                        boolean hasMore) {
    }

    Page read(JsonNode answer) throws FetchFailure {
        JsonNode items = answer.get("changes");
        String next = answer.path("nextCursor").isValueNode() ? answer.path("nextCursor").asText(null) : null;
        if (items == null || !items.isArray() || next == null || next.isBlank() || next.length() > 200) {
            throw new FetchFailure(true, "the changes page has no changes array or no usable nextCursor");
        }
        if (items.size() > 100) {
            throw new FetchFailure(true, "the changes page holds more than 100 changes");
        }
        List<Reservation> reservations = new ArrayList<>();
        List<FeedPolls.Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i).path("reservation");
            String id = item.path("pmsReservationId").isTextual() ? item.path("pmsReservationId").asText() : null;
            if (id != null && id.length() > 190) {
                id = id.substring(0, 190);
            }
            CanonicalReservation dto;
            try {
                dto = reader.read(json.writeValueAsBytes(item));
            } catch (java.io.IOException e) {
                String what = "is unreadable";
                if (e instanceof com.fasterxml.jackson.core.JsonProcessingException p) {
                    Problem.FieldError error = CanonicalReservationResource.jsonError(p);
                    what = error.field() + " " + error.message();
                }
                rejections.add(new FeedPolls.Rejection(i, id, what));
                continue;
            }
            if (dto == null) {
                rejections.add(new FeedPolls.Rejection(i, id, "reservation: is missing"));
                continue;
            }
            CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
            if (!checked.accepted()) {
                rejections.add(new FeedPolls.Rejection(i, id, checked.problems().stream()
                        .map(p -> p.field() + " " + p.message()).toList().toString()));
                continue;
            }
            reservations.add(checked.reservation());
        }
        return new Page(reservations, rejections, next, answer.path("hasMore").asBoolean(false));
    }
}
