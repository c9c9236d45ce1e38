package org.guestcrm.connector.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.guestcrm.connector.api.CanonicalItems;
import org.guestcrm.connector.api.CanonicalReservation;
import org.guestcrm.connector.api.CanonicalReservationMapper;
import org.guestcrm.connector.api.InboundMetrics;
import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.ProfileChange;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.persistence.PmsApiSettings;
import org.guestcrm.connector.persistence.WebhookFetches;
import org.guestcrm.connector.persistence.WebhookFetches.Claim;
import org.guestcrm.connector.vendor.ApaleoMapping;
import org.guestcrm.connector.vendor.FetchFailure;
import org.guestcrm.connector.vendor.MewsMapping;
import org.guestcrm.connector.vendor.PmsApi;
import org.guestcrm.connector.vendor.PmsApiClient;
import org.guestcrm.connector.vendor.WebhookNotice.EntityType;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Fetches what webhooks named from the feed's PMS API and emits its state through the outbox. Due fetches are claimed
 * with a lease (per feed at most its concurrency, per replica), fetched outside any transaction on a pool of
 * {@code connector.webhooks.threads}, mapped to the canonical reservation or profile (the lenient rules of the push:
 * malformed optional fields dropped), and recorded with {@link InboundMessageIntake} in one transaction with "fetched".
 * The logical deduplication makes it idempotent: a state fetched again unchanged emits nothing. A transient failure (PMS
 * unreachable, 5xx, 429, timeout, credentials refused, the database) is retried with exponential backoff
 * ({@code retry-initial} doubled up to {@code retry-max}) for as long as it takes; a permanent one (404, a state that
 * cannot be used) is recorded FAILED with its reason and shown by {@code GET /api/v1/feeds/{feedId}/webhook-fetches}.
 */
@ApplicationScoped
public class WebhookFetchWorker {

    private static final Logger LOG = Logger.getLogger(WebhookFetchWorker.class);

    @Inject
    WebhookFetches fetches;

    @Inject
    PmsApiSettings settings;

    @Inject
    InboundMessageIntake intake;

    @Inject
    ConnectorConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

    @Inject
    MeterRegistry meters;

    @Inject
    InboundMetrics inboundMetrics;

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private ExecutorService fetchPool;
    private ExecutorService drainer;
    private PmsApiClient client;

    @PostConstruct
    void init() {
        fetchPool = Executors.newFixedThreadPool(config.webhooks().threads(), named("webhook-fetch"));
        drainer = Executors.newSingleThreadExecutor(named("webhook-fetch-claims"));
        client = new PmsApiClient(json, config.webhooks().requestTimeout(), config.webhooks().mewsClient(),
                config.webhooks().mewsPageSize());
    }

    @PreDestroy
    void stop() {
        drainer.shutdownNow();
        fetchPool.shutdownNow();
    }

    /** The vendor API client of the fetches (also lists what a resync asks for). */
    public PmsApiClient client() {
        return client;
    }

    /** Looks for due fetches soon (after a webhook was recorded, or a fetch finished). */
    public void wake() {
        try {
            drainer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    @Scheduled(every = "${connector.webhooks.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, identity = "connector-webhook-fetches")
    void tick() {
        drain();
    }

    void drain() {
        if (!draining.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                int capacity = config.webhooks().threads() - running.get();
                if (capacity <= 0) {
                    return;
                }
                Map<String, Integer> busy = new java.util.HashMap<>();
                inFlight.forEach((feed, n) -> busy.put(feed, n.get()));
                List<Claim> claims;
                try {
                    claims = fetches.claim(capacity, busy, config.webhooks().concurrencyPerFeed(),
                            Instant.now().plus(config.webhooks().lease()));
                } catch (RuntimeException e) {
                    LOG.warnf("Due webhook fetches could not be claimed (%s); trying again at the next tick.",
                            e.getClass().getSimpleName());
                    return;
                }
                for (Claim claim : claims) {
                    running.incrementAndGet();
                    inFlight.computeIfAbsent(claim.feedId(), f -> new AtomicInteger()).incrementAndGet();
                    fetchPool.execute(() -> {
                        try {
                            fetch(claim);
                        } finally {
                            inFlight.get(claim.feedId()).decrementAndGet();
                            running.decrementAndGet();
                            wake();
                        }
                    });
                }
                if (claims.size() == capacity) {
                    again.set(true);
                }
            } while (again.get());
        } finally {
            draining.set(false);
        }
    }

    private void fetch(Claim claim) {
        try {
            PmsApi api = settings.forFetch(claim.feedId()).orElseThrow(() -> new FetchFailure(true,
                    "the feed has no usable PMS API settings (PUT /api/v1/feeds/" + claim.feedId() + "/pms-api)"));
            Fetched fetched = fetchAndMap(api, claim);
            InboundMessageIntake.Receipt receipt = QuarkusTransaction.requiringNew().call(() -> {
                InboundMessageIntake.Receipt r = intake.record(new InboundMessageIntake.AcceptedMessage(api.tenantId(),
                        api.feedId(), api.defaultCurrency(), fetched.sha256(), fetched.messageType(),
                        config.inbound().storeMaskedPayload() ? fetched.payload() : null, fetched.reservations(),
                        fetched.profiles(), List.of()));
                fetches.fetched(claim);
                return r;
            });
            String outcome = receipt.eventIds().isEmpty() ? "unchanged" : "emitted";
            meters.counter("connector.webhook.fetches", "feed", claim.feedId(), "outcome", outcome).increment();
            if (!fetched.warnings().isEmpty()) {
                inboundMetrics.fieldsDropped(claim.feedId(), fetched.warnings());
                LOG.infof("Feed %s: fetched %s %s with optional field(s) dropped: %s", claim.feedId(),
                        noun(claim), claim.entityId(), fetched.warnings().stream().map(FieldWarning::location).toList());
            }
            if (claim.attempts() > 0) {
                LOG.infof("Feed %s: %s %s fetched after %d failed attempt(s).", claim.feedId(), noun(claim),
                        claim.entityId(), claim.attempts());
            }
            LOG.debugf("Feed %s: %s %s fetched, message %s, %d event(s).", claim.feedId(), noun(claim),
                    claim.entityId(), receipt.messageId(), receipt.eventIds().size());
        } catch (FetchFailure failure) {
            if (failure.isTransient()) {
                retry(claim, failure.getMessage());
            } else {
                meters.counter("connector.webhook.fetches", "feed", claim.feedId(), "outcome", "failed").increment();
                LOG.warnf("Feed %s: fetching %s %s failed for good: %s", claim.feedId(), noun(claim), claim.entityId(),
                        failure.getMessage());
                safely(() -> fetches.failed(claim, failure.getMessage()));
            }
        } catch (RuntimeException e) {
            retry(claim, "the fetch could not be recorded (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void retry(Claim claim, String reason) {
        meters.counter("connector.webhook.fetches", "feed", claim.feedId(), "outcome", "retry").increment();
        Duration wait = backoff(claim.attempts());
        if (claim.attempts() == 0) {
            LOG.infof("Feed %s: fetching %s %s failed (%s); retrying with backoff.", claim.feedId(), noun(claim),
                    claim.entityId(), reason);
        } else {
            LOG.debugf("Feed %s: fetching %s %s failed again (attempt %d: %s); next in %s.", claim.feedId(),
                    noun(claim), claim.entityId(), claim.attempts() + 1, reason, wait);
        }
        safely(() -> fetches.retryAt(claim, Instant.now().plus(wait), reason));
    }

    /** retry-initial × 2^attempts, at most retry-max. */
    Duration backoff(int attempts) {
        Duration initial = config.webhooks().retryInitial();
        Duration max = config.webhooks().retryMax();
        Duration wait = initial.multipliedBy(1L << Math.min(attempts, 20));
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private void safely(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            // the lease runs out and the fetch is claimed again
            LOG.warnf("A webhook fetch outcome could not be recorded (%s); the fetch is tried again when its lease ends.",
                    e.getClass().getSimpleName());
        }
    }

    record Fetched(String messageType, String sha256, String payload, List<Reservation> reservations,
                           List<ProfileChange> profiles, List<FieldWarning> warnings) {
    }

    private Fetched fetchAndMap(PmsApi api, Claim claim) throws FetchFailure {
        String salt = claim.feedId() + ":" + claim.entityType() + ":" + claim.entityId() + ":" + claim.generation() + ":";
        if (api.kind() == FeedKind.APALEO_WEBHOOK && claim.entityType() == EntityType.RESERVATION) {
            JsonNode node = client.apaleoReservation(api, claim.entityId());
            ApaleoMapping.Mapped mapped = ApaleoMapping.reservation(node, claim.propertyId());
            String payload = withoutPayment(node);
            return reservation("apaleo.Reservation", salt, payload, mapped.reservation(), mapped.problems(),
                    claim.entityId());
        }
        if (api.kind() == FeedKind.MEWS_WEBHOOK && claim.entityType() == EntityType.RESERVATION) {
            JsonNode node = client.mewsReservation(api, claim.entityId());
            String customerId = MewsMapping.customerId(node);
            CanonicalReservation.GuestDto guest = null;
            List<String> problems = new ArrayList<>();
            JsonNode customer = null;
            if (customerId != null) {
                try {
                    customer = client.mewsCustomer(api, customerId);
                    MewsMapping.MappedCustomer mapped = MewsMapping.customer(customer);
                    guest = mapped.guest();
                    problems.addAll(mapped.problems());
                } catch (FetchFailure failure) {
                    if (failure.isTransient()) {
                        throw failure;
                    }
                    LOG.infof("Feed %s: the customer of Mews reservation %s is not served (%s); the reservation is"
                            + " emitted without its guest.", claim.feedId(), claim.entityId(), failure.getMessage());
                }
            }
            String hotelCode = api.hotelCode() != null ? api.hotelCode() : claim.propertyId();
            MewsMapping.MappedReservation mapped = MewsMapping.reservation(node, guest, hotelCode, api.zone());
            problems.addAll(mapped.problems());
            ObjectNode payload = json.createObjectNode();
            payload.set("Reservation", node);
            payload.set("Customer", customer);
            return reservation("mews.Reservation", salt, payload.toString(), mapped.reservation(), problems,
                    claim.entityId());
        }
        if (api.kind() == FeedKind.MEWS_WEBHOOK && claim.entityType() == EntityType.CUSTOMER) {
            JsonNode node = client.mewsCustomer(api, claim.entityId());
            return customer(salt, node);
        }
        throw new FetchFailure(false, "a " + api.kind() + " feed does not fetch a " + claim.entityType());
    }

    /**
     * A fetched state as the raw archive keeps it ({@code messageType} apaleo.Reservation, mews.Reservation with its
     * Customer, mews.Customer), mapped by today's code: for a replay. {@code api} gives a Mews feed's hotel and zone.
     */
    Fetched mapArchived(PmsApi api, String messageType, JsonNode payload) throws FetchFailure {
        switch (messageType) {
            case "apaleo.Reservation" -> {
                ApaleoMapping.Mapped mapped = ApaleoMapping.reservation(payload, null);
                return reservation(messageType, "", payload.toString(), mapped.reservation(), mapped.problems(), null);
            }
            case "mews.Reservation" -> {
                JsonNode customer = payload.get("Customer");
                CanonicalReservation.GuestDto guest = null;
                List<String> problems = new ArrayList<>();
                if (customer != null && customer.isObject()) {
                    MewsMapping.MappedCustomer mapped = MewsMapping.customer(customer);
                    guest = mapped.guest();
                    problems.addAll(mapped.problems());
                }
                MewsMapping.MappedReservation mapped = MewsMapping.reservation(payload.path("Reservation"), guest,
                        api == null ? null : api.hotelCode(), api == null ? java.time.ZoneOffset.UTC : api.zone());
                problems.addAll(mapped.problems());
                return reservation(messageType, "", payload.toString(), mapped.reservation(), problems, null);
            }
            case "mews.Customer" -> {
                return customer("", payload);
            }
            default -> throw new FetchFailure(false, "no webhook fetch is archived as " + messageType);
        }
    }

    private Fetched customer(String salt, JsonNode node) throws FetchFailure {
        MewsMapping.MappedCustomer mapped = MewsMapping.customer(node);
        List<FieldWarning> warnings = new ArrayList<>();
        if (mapped.guest().pmsProfileId() == null) {
            throw new FetchFailure(false, "the fetched customer cannot be used: Id is required");
        }
        GuestProfile profile = CanonicalReservationMapper.guest(mapped.guest(), true, "Customer", warnings);
        List<String> problems = new ArrayList<>(mapped.problems());
        CanonicalLimits.profileViolations(profile).forEach(v -> problems.add(v.field() + " " + v.message()));
        if (!problems.isEmpty()) {
            throw new FetchFailure(false, "the fetched customer cannot be used: " + problems);
        }
        String payload = node.toString();
        return new Fetched("mews.Customer", Tokens.sha256Hex((salt + payload).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                payload, List.of(), List.of(new ProfileChange(profile, null, mapped.updatedUtc(), null)), warnings);
    }

    private Fetched reservation(String type, String salt, String payload, CanonicalReservation dto, List<String> problems,
                                String expectedId) throws FetchFailure {
        if (!problems.isEmpty()) {
            throw new FetchFailure(false, "the fetched reservation cannot be used: " + problems);
        }
        CanonicalItems.Checked checked = CanonicalItems.check(dto, validator);
        if (!checked.accepted()) {
            throw new FetchFailure(false, "the fetched reservation cannot be used: "
                    + checked.problems().stream().map(p -> p.field() + " " + p.message()).toList());
        }
        if (expectedId != null && !checked.reservation().pmsReservationId().equals(expectedId)) {
            throw new FetchFailure(false, "the PMS answered with another reservation id than the webhook named");
        }
        return new Fetched(type, Tokens.sha256Hex((salt + payload).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                payload, List.of(checked.reservation()), List.of(), checked.warnings());
    }

    /** apaleo may serve a (masked) payment account with a reservation: it is not kept in the archive. */
    private static String withoutPayment(JsonNode node) {
        if (node instanceof ObjectNode object && object.has("paymentAccount")) {
            ObjectNode copy = object.deepCopy();
            copy.remove("paymentAccount");
            return copy.toString();
        }
        return node.toString();
    }

    private static String noun(Claim claim) {
        return claim.entityType() == EntityType.RESERVATION ? "reservation" : "customer";
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
