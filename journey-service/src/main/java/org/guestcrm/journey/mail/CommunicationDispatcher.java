package org.guestcrm.journey.mail;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.templates.JourneyMessages;
import org.guestcrm.journey.templates.MessageTemplates;
import org.guestcrm.journey.domain.CommunicationChange;
import org.guestcrm.journey.domain.JourneyPlanner;
import org.guestcrm.journey.domain.Reasons;
import org.guestcrm.journey.domain.StepPurpose;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.messaging.CommunicationLedger;
import org.guestcrm.journey.messaging.ConsentChangeHandler;
import org.guestcrm.journey.persistence.ConsentRepository;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.CampaignEntity;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.guestcrm.journey.domain.CampaignAudience;
import org.guestcrm.journey.domain.ConsentScope;
import org.guestcrm.journey.domain.Occasions;
import org.eclipse.microprofile.config.ConfigProvider;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.intake.Failures;
import org.guestcrm.platform.security.SignedLinks;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends due communications by lease-and-send, so no row lock or transaction is held while SMTP talks:
 * <ol>
 *   <li><b>Claim</b>, one short transaction: up to {@code batch-size} due communications not under a valid lease
 *   ({@code FOR UPDATE SKIP LOCKED}) get this replica's instance id as lease owner, a lease expiry, and one more
 *   attempt. Communications that cannot be sent at all (no e-mail address, ...) are decided here instead.</li>
 *   <li><b>Send</b>, outside any transaction: at most {@code concurrency} SMTP exchanges at once over the mailer's
 *   connection pool. The Message-ID is fixed before sending ({@code <communicationId@domain>}).</li>
 *   <li><b>Record</b>: the round's outcomes collected (until all are in, {@code record-batch} of them, or
 *   {@code record-window} after the first) and recorded in one transaction per group: one UPDATE checks every claim
 *   (same owner and lease expiry: nobody re-claimed it), releases it and records SENT; the other outcomes are applied
 *   to the rows it returns; the CommunicationEvents go to the outbox in the same transaction.</li>
 * </ol>
 * A replica that dies between the SMTP server's acceptance and the outcome commit leaves its lease to expire; the next
 * claim sends the mail again with the same Message-ID, and counts and logs it as an ambiguous re-send. A 5xx reply
 * fails the communication at once; a transient failure is retried with the back-off of {@link JourneyConfig#retryPolicy()}.
 */
@ApplicationScoped
public class CommunicationDispatcher {

    private static final Logger LOG = Logger.getLogger(CommunicationDispatcher.class);
    private static final int MAX_REASON_LENGTH = 200;
    private static final DeliveryOutcome ROUND_ABORTED = new DeliveryOutcome(null, 0, null, null);

    @Inject
    CommunicationRepository communications;

    @Inject
    CommunicationLedger ledger;

    @Inject
    ReactiveMailer mailer;

    @Inject
    JourneyConfig config;
    @Inject
    org.guestcrm.journey.settings.JourneySettings settings;

    @Inject
    MeterRegistry meters;

    @Inject
    ConsentRepository consents;

    @Inject
    GuestDirectory directory;

    static final String UNSUBSCRIBE_SCOPE = "unsubscribe";

    /** The SMS gateway; null when none is configured (SMS steps then go by e-mail). */
    private org.guestcrm.journey.sms.SmsSender smsSender;

    /** Signs the List-Unsubscribe links; null when links or keys are not configured (no header then). */
    private SignedLinks unsubscribeLinks;

    /** Signs the post-stay survey links; null when the survey base URL or keys are not configured (no link then). */
    private SignedLinks surveyLinks;
    private org.guestcrm.journey.tracking.MailTracking tracking;

    /** Per-message envelope senders (journey.bounces.domain); null when not configured (the mailer's default then). */
    private org.guestcrm.journey.bounce.VerpAddresses verp;

    /** The texts of every message: Qute templates per step and language, with tenant and hotel overrides. */
    private JourneyMessages messages;

    /** Test seam: "communicationId#attempt" whose outcome recording fails, as if the replica died before the commit. */
    private final Set<String> outcomesToLose = ConcurrentHashMap.newKeySet();

    /** Test seam: communications whose outcome the "database" refuses to record (a transient failure) until cleared. */
    private final Set<UUID> recordingRefused = ConcurrentHashMap.newKeySet();

    /**
     * Outcomes of mails this replica did send (or try) whose recording failed because the database refused: kept here,
     * in arrival order, and recorded again before any new claim. Bounded by {@code max-unrecorded-outcomes}. Guarded by
     * its own monitor (the dispatcher thread and the shutdown observer).
     */
    private final Map<UUID, Unrecorded> unrecorded = new java.util.LinkedHashMap<>();

    /** Failed attempts to record the held outcomes again (one per tick while the database refuses). */
    private final java.util.concurrent.atomic.AtomicLong unrecordedRetriesFailed = new java.util.concurrent.atomic.AtomicLong();

    @Inject
    Clock clock;
    private String instanceId;
    private Counter ambiguousResends;
    private Counter outcomeTransactions;
    private Counter outcomeCpu;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private io.micrometer.core.instrument.Timer rounds;
    private io.micrometer.core.instrument.DistributionSummary roundClaims;
    private final Map<DeliveryOutcome.Kind, Counter> outcomeCounters = new EnumMap<>(DeliveryOutcome.Kind.class);

    @PostConstruct
    void init() {
        checkQuietHours();
        config.marketingCaps().forEach((tenant, cap) -> {
            try {
                org.guestcrm.journey.domain.FrequencyCap.parse(cap);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("journey.marketing-caps." + tenant + " must be <max>/<period>, e.g. 2/30d",
                        e);
            }
        });
        // Guest's language, then the hotel's and the tenant's default language (journey settings), then English.
        messages = new JourneyMessages(new MessageTemplates(config.templates().path(),
                key -> settings.defaultLanguagesOf(key.tenant(), key.hotelCode())));
        config.templates().path().ifPresent(directory -> LOG.infof(
                "Message templates: tenant and hotel overrides from %s, else the built-in ones (EN, FR, DE).", directory));
        instanceId = config.dispatcher().instanceId().orElseGet(CommunicationDispatcher::defaultInstanceId);
        smsSender = config.sms().gateway().orElse(null);
        for (org.guestcrm.journey.domain.JourneyStep step : config.sms().steps().orElse(List.of())) {
            if (!messages.hasSmsText(step)) {
                throw new IllegalStateException("journey.sms.steps names " + step + ", which has no SMS text (template "
                        + "fragment 'sms') in every built-in language");
            }
        }
        if (smsSender != null) {
            LOG.infof("SMS gateway configured: steps %s go as text messages to guests with a valid mobile number.",
                    config.sms().steps().orElse(List.of()));
        }
        ambiguousResends = Counter.builder("guestcrm.journey.mail.ambiguous.resends")
                .description("Claims of a communication whose previous lease expired without an outcome: the mail is "
                        + "sent again with the same Message-ID and may reach the guest twice")
                .register(meters);
        outcomeCpu = Counter.builder("guestcrm.journey.mail.outcome.cpu")
                .description("CPU time of the dispatcher thread recording outcomes (the transactions of "
                        + "guestcrm.journey.mail.outcome.transactions, commit included)")
                .baseUnit("nanoseconds")
                .register(meters);
        outcomeTransactions = Counter.builder("guestcrm.journey.mail.outcome.transactions")
                .description("Transactions that recorded mail outcomes (a round's outcomes are recorded together)")
                .register(meters);
        rounds = io.micrometer.core.instrument.Timer.builder("guestcrm.journey.mail.rounds")
                .description("Dispatcher rounds that claimed something, claim to last outcome recorded")
                .register(meters);
        roundClaims = io.micrometer.core.instrument.DistributionSummary.builder("guestcrm.journey.mail.round.claimed")
                .description("Communications claimed per dispatcher round (sent or decided without sending)")
                .register(meters);
        io.micrometer.core.instrument.Gauge.builder("guestcrm.journey.mail.unrecorded.outcomes", this,
                        dispatcher -> dispatcher.unrecordedOutcomes())
                .description("Outcomes of sent mails held in memory because recording them failed; recorded again "
                        + "before the next claim")
                .register(meters);
        for (DeliveryOutcome.Kind kind : DeliveryOutcome.Kind.values()) {
            outcomeCounters.put(kind, Counter.builder("guestcrm.journey.mail.deliveries")
                    .description("SMTP deliveries by outcome")
                    .tag("outcome", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters));
        }
        if (config.links().unsubscribeBaseUrl().isPresent()
                && ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class).isPresent()) {
            unsubscribeLinks = SignedLinks.fromConfig();
        } else {
            LOG.warn("journey.links.unsubscribe-base-url or guestcrm.signed-links.keys is not set: non-transactional "
                    + "mails go out without List-Unsubscribe headers.");
        }
        if (config.links().surveyBaseUrl().isPresent()
                && ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class).isPresent()) {
            surveyLinks = SignedLinks.fromConfig();
        } else {
            LOG.warn("journey.links.survey-base-url or guestcrm.signed-links.keys is not set: post-stay mails go out "
                    + "without a survey link.");
        }
        if (config.links().trackingBaseUrl().isPresent()
                && ConfigProvider.getConfig().getOptionalValue("guestcrm.signed-links.keys", String.class).isPresent()) {
            tracking = new org.guestcrm.journey.tracking.MailTracking(SignedLinks.fromConfig(),
                    config.links().trackingBaseUrl().get(), config.links().trackingValidity(),
                    config.links().unsubscribeBaseUrl());
        } else {
            LOG.warn("journey.links.tracking-base-url or guestcrm.signed-links.keys is not set: mails go out without "
                    + "open and click tracking.");
        }
        verp = org.guestcrm.journey.bounce.BounceMailboxReader.verpOf(config).orElse(null);
        LOG.infof("Mail dispatcher %s: up to %d communications per claim, %d SMTP exchanges at once, lease %s.",
                instanceId, config.dispatcher().batchSize(), config.dispatcher().concurrency(),
                config.dispatcher().lease());
    }

    @Inject
    DispatchWakeup wakeup;

    private volatile boolean running;
    private volatile Thread loop;
    private final java.util.concurrent.atomic.AtomicLong wokenRounds = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The dispatcher's own thread: a round when a commit made a mail due ({@link DispatchWakeup}), else every
     * {@code journey.dispatcher.every} (mails due at a later time, retries, other replicas' rows). Was a 1 s
     * {@code @Scheduled} tick only, so a confirmation committed just after a tick waited up to a second for it (issue 5).
     */
    void start(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        running = true;
        loop = Thread.ofPlatform().name("journey-mail-dispatcher").daemon().unstarted(() -> {
            Duration every = config.dispatcher().every();
            while (running) {
                try {
                    if (wakeup.await(every)) {
                        wokenRounds.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (running) {
                    try {
                        dispatchDue();
                    } catch (Throwable e) {
                        // dispatchDue handles every RuntimeException; anything else must not end the only thread
                        // that sends mail (the mails would wait for a restart). One line; the next tick tries again.
                        LOG.errorf("A dispatcher round failed unexpectedly (%s); the next tick tries again.",
                                Failures.describe(e));
                    }
                }
            }
        });
        wakeup.dispatcherIs(loop);
        loop.start();
    }

    /** Lets the running round finish (at most its send timeout), then stops the loop. */
    void stop(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(1) io.quarkus.runtime.ShutdownEvent event) {
        running = false;
        wakeup.wake();
        Thread current = loop;
        if (current != null) {
            try {
                current.join(config.dispatcher().sendTimeout().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Rounds started by a wake-up (a commit that made a mail due) rather than by the tick. */
    long wokenRounds() {
        return wokenRounds.get();
    }

    void dispatchDue() {
        try {
            // A full claim means more may be due: go on at once instead of waiting for the next tick.
            while (dispatchRound().claimed() >= config.dispatcher().batchSize()) {
                LOG.debug("The claim was full; claiming again.");
            }
            if (failingSince != null) {
                LOG.infof("Dispatching works again after failing since %s.", failingSince);
                failingSince = null;
            }
        } catch (RuntimeException e) {
            // A database outage fails every tick: one line when it starts, not a stack trace a second.
            if (failingSince == null) {
                failingSince = clock.instant();
                LOG.warnf("Dispatching fails (%s); claims are retried every tick until it works again.",
                        org.guestcrm.platform.intake.Failures.describe(e));
            } else {
                LOG.debugf("Dispatching still fails: %s", org.guestcrm.platform.intake.Failures.describe(e));
            }
        }
    }

    /** Fails the start when a quiet-hours setting cannot be read (naming the key, not guessing a meaning). */
    private void checkQuietHours() {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("journey.quiet-hours", config.quietHours());
        config.tenantQuietHours().forEach((tenant, value) -> settings.put("journey.tenant-quiet-hours." + tenant, value));
        config.hotelQuietHours().forEach((hotel, value) -> settings.put("journey.hotel-quiet-hours." + hotel, value));
        settings.forEach((key, value) -> {
            try {
                org.guestcrm.journey.domain.QuietHours.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(key + " must be HH:mm-HH:mm or none", e);
            }
        });
    }

    /** When the current run of failed ticks began; null while dispatching works. */
    private volatile Instant failingSince;

    /**
     * One round: first the outcomes held from earlier rounds are recorded (if the database still refuses, this throws
     * and nothing is claimed), then claim, send, record.
     */
    RoundSummary dispatchRound() {
        recordUnrecorded();
        Set<UUID> held = heldOutcomeIds();
        long started = System.nanoTime();
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(config.dispatcher().lease()).truncatedTo(ChronoUnit.MICROS);
        Claim claim = QuarkusTransaction.requiringNew().call(() -> claim(now, leaseUntil, held));
        if (claim.claimed() == 0) {
            return RoundSummary.NONE;
        }
        List<Delivery> deliveries = claim.ready().stream().map(this::renderedOrUnsendable).toList();
        for (Delivery delivery : deliveries) {
            if (delivery.ambiguousResend()) {
                ambiguousResends.increment();
                LOG.warnf("Communication %s: its previous claim expired without an outcome; sending it again (attempt "
                        + "%d) with the same Message-ID, so a copy may already have reached the guest.",
                        delivery.communicationId(), delivery.attempt());
            }
        }
        Map<DeliveryOutcome.Kind, Integer> outcomes = sendAndRecord(deliveries, leaseUntil);
        RoundSummary summary = new RoundSummary(claim.claimed(), claim.decidedWithoutSending(), outcomes,
                Duration.ofNanos(System.nanoTime() - started));
        rounds.record(summary.took());
        roundClaims.record(summary.claimed());
        LOG.infof("Mail round: claimed %d, sent %d, failed permanently %d, to retry %d, given back %d, decided "
                        + "without sending %d, in %d ms.", summary.claimed(), summary.count(DeliveryOutcome.Kind.SENT),
                summary.count(DeliveryOutcome.Kind.PERMANENT_FAILURE), summary.count(DeliveryOutcome.Kind.TRANSIENT_FAILURE),
                summary.count(DeliveryOutcome.Kind.NOT_ATTEMPTED), summary.decidedWithoutSending(),
                summary.took().toMillis());
        return summary;
    }

    // ---- claim ---------------------------------------------------------------------------------------------------

    /**
     * Claims due communications for this replica until {@code leaseUntil}. Runs in its own short transaction. The
     * reservations are locked for share (a reservation a planner is changing is skipped: its communications are left
     * for the next round), and each communication is checked against the reservation's current state before it is
     * leased: a plan made stale by a cancellation, no-show, check-in/out or moved dates is corrected here instead of
     * mailed; a non-transactional step whose purpose the guest withdrew is skipped.
     */
    Claim claim(Instant now, Instant leaseUntil, Set<UUID> held) {
        List<CommunicationEntity> due = communications.lockClaimable(now, config.dispatcher().batchSize(), held);
        if (due.isEmpty()) {
            return Claim.NONE;
        }
        List<UUID> ids = due.stream().map(c -> c.id).toList();
        Set<Long> lockedReservations = communications.lockReservationsOf(ids);
        Map<UUID, ReservationEntity> reservations = communications.reservationsOf(ids);
        // Consent states (every purpose and scope) of the addresses and numbers the claimed messages would go to.
        Map<String, List<ConsentScope.State>> emailConsents = consents.states("EMAIL", due.stream()
                .filter(c -> StepPurpose.of(c.step).isPresent())
                .map(c -> reservations.get(c.id))
                .filter(r -> r != null && r.guestEmail != null)
                .map(r -> new String[] {r.tenant, ConsentChangeHandler.normalised(r.guestEmail)})
                .toList());
        // SMS consent (channel SMS) of the numbers the claimed text messages would go to, in one query.
        Map<String, List<ConsentScope.State>> smsConsents = consents.states("SMS", due.stream()
                .filter(c -> c.channel == Channel.SMS)
                .map(c -> reservations.get(c.id))
                .filter(r -> r != null && r.guestPhone != null)
                .map(r -> new String[] {r.tenant, r.guestPhone})
                .toList());
        CampaignRecipients campaignRecipients = campaignRecipientsOf(due);
        List<Claimed> ready = new ArrayList<>(due.size());
        int decided = 0;
        int left = 0;
        for (CommunicationEntity communication : due) {
            if (communication.campaignId != null
                    || (communication.guestId != null && Occasions.isOccasion(communication.step))) {
                if (claimCampaignMessage(communication, campaignRecipients, ready, now)) {
                    decided++;
                }
                continue;
            }
            ReservationEntity reservation = reservations.get(communication.id);
            if (reservation != null && !lockedReservations.contains(reservation.id)) {
                left++;
                continue;
            }
            Optional<CommunicationChange> stale = reservation == null ? Optional.empty()
                    : staleness(communication, reservation, now);
            if (stale.isPresent()) {
                communication.leaseOwner = null;
                communication.leaseExpiresAt = null;
                ledger.apply(stale.get(), communication, reservation, communication.correlationId,
                        reservation.lastEventId.toString(), now);
                decided++;
                continue;
            }
            if (communication.channel == Channel.SMS) {
                Optional<String> noSms = smsRefusal(communication, reservation, smsConsents);
                if (noSms.isPresent()) {
                    // A text message that cannot go is sent by e-mail instead (checked below like any e-mail).
                    LOG.debugf("Communication %s: %s; sent by e-mail instead.", communication.id, noSms.get());
                    communication.channel = Channel.EMAIL;
                }
            }
            Optional<Decision> decision = decisionWithoutSending(communication, reservation, emailConsents);
            Optional<Instant> quietUntil = decision.isPresent() ? Optional.empty() : quietUntil(communication, now);
            if (decision.isPresent()) {
                communication.leaseOwner = null;
                communication.leaseExpiresAt = null;
                ledger.changeStatus(communication, decision.get().status(), decision.get().reason(), now);
                decided++;
            } else if (quietUntil.isPresent()) {
                // Due (a retry, a backlog after an outage) inside the hotel's quiet hours: waits for their end.
                communication.nextAttemptAt = quietUntil.get();
                decided++;
            } else {
                // Detached before anything else changes it: a query of a later communication's decision must not
                // flush it; its channel and contact point are written by the lease statement below.
                communications.getEntityManager().detach(communication);
                // The address it goes to, for CommunicationEvent.contactPoint (SENT, FAILED, BOUNCED).
                communication.contactPoint = communication.channel == Channel.SMS ? reservation.guestPhone
                        : ConsentChangeHandler.normalised(reservation.guestEmail);
                // The lease still set here belongs to a claim that expired without an outcome.
                ready.add(new Claimed(communication, reservation, null, communication.attempts + 1,
                        communication.leaseOwner != null));
            }
        }
        if (left > 0) {
            LOG.debugf("%d due communication(s) left for the next round: a planner holds their reservations.", left);
        }
        // The ready ones are detached: their channel (an SMS sent by e-mail instead) and contact point are written by
        // this one lease statement, not by one Hibernate UPDATE per communication (issue 5).
        List<CommunicationRepository.Lease> leases = new ArrayList<>(ready.size());
        for (Claimed claimed : ready) {
            CommunicationEntity communication = claimed.communication();
            leases.add(new CommunicationRepository.Lease(communication.id, communication.channel.name(),
                    communication.contactPoint));
        }
        communications.lease(leases, instanceId, leaseUntil, now);
        return new Claim(due.size() - left, decided, ready);
    }

    /**
     * What the planner would change about {@code communication} given the reservation as it is now: a change that keeps
     * its due time (not wanted any more: cancelled, no-show, checked in/out, stay shortened; held: the reservation is
     * uncertain; stale: no longer fresh) always wins; a different due time only when the reservation changed after the
     * communication was last planned or touched (its dates moved and the plan did not follow).
     */
    private Optional<CommunicationChange> staleness(CommunicationEntity communication,
                                                    ReservationEntity reservation, Instant now) {
        var state = JourneyMapper.stateOf(reservation, config.zoneOf(reservation.tenant, reservation.hotelCode),
                settings.quietHoursOf(reservation.tenant, reservation.hotelCode));
        JourneyPlanner planner = new JourneyPlanner(settings.scheduleOf(reservation.tenant, reservation.hotelCode));
        List<CommunicationChange> changes = JourneyPlanner.isNotice(communication.step)
                ? new org.guestcrm.journey.domain.NoticePlanner(config.noticeSettings())
                        .plan(state, null, List.of(JourneyMapper.existingOf(communication)), now)
                : planner.plan(state, List.of(JourneyMapper.existingOf(communication)), now);
        return changes.stream()
                .filter(change -> !change.createsCommunication() && communication.id.equals(change.communicationId()))
                .filter(change -> (!change.status().isPending() && change.dueAt().equals(communication.dueAt))
                        || reservation.updatedAt.isAfter(communication.updatedAt))
                .findFirst();
    }

    /** The end of the hotel's quiet hours when {@code now} is inside them and the step respects them. */
    private Optional<Instant> quietUntil(CommunicationEntity communication, Instant now) {
        if (!JourneyPlanner.respectsQuietHours(communication.step)) {
            return Optional.empty();
        }
        Instant allowed = settings.quietHoursOf(communication.tenant, communication.hotelCode)
                .nextAllowed(now, config.zoneOf(communication.tenant, communication.hotelCode));
        return allowed.equals(now) ? Optional.empty() : Optional.of(allowed);
    }

    private Optional<Decision> decisionWithoutSending(CommunicationEntity communication, ReservationEntity reservation,
                                                      Map<String, List<ConsentScope.State>> emailConsents) {
        if (reservation == null) {
            // Cannot happen through the planner; never let one bad row block the queue.
            return Optional.of(new Decision(CommunicationStatus.FAILED, "reservation not found"));
        }
        if (communication.channel == Channel.SMS) {
            // Checked by smsRefusal before: the number is there, the gateway too, and SMS consent is not withdrawn.
            return Optional.empty();
        }
        if (reservation.guestEmail == null) {
            return Optional.of(new Decision(CommunicationStatus.SKIPPED, Reasons.NO_EMAIL_ADDRESS));
        }
        Optional<String> purpose = StepPurpose.of(communication.step);
        if (purpose.isPresent()) {
            List<ConsentScope.State> states = emailConsents.getOrDefault(ConsentRepository.keyOf(reservation.tenant,
                    ConsentChangeHandler.normalised(reservation.guestEmail)), List.of());
            for (String withdrawnPurpose : List.of(purpose.get(), StepPurpose.MARKETING)) {
                if (withdrawnAt(states, withdrawnPurpose, reservation.tenant, reservation.hotelCode)) {
                    return Optional.of(new Decision(CommunicationStatus.SKIPPED,
                            "suppressed: consent withdrawn (" + withdrawnPurpose + ")"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why a text message cannot go now (no gateway, no valid number any more, SMS consent withdrawn for its purpose or
     * for marketing); empty when it can. Names no number.
     */
    private Optional<String> smsRefusal(CommunicationEntity communication, ReservationEntity reservation,
                                        Map<String, List<ConsentScope.State>> smsConsents) {
        if (smsSender == null) {
            return Optional.of("no SMS gateway configured");
        }
        if (reservation == null || reservation.guestPhone == null) {
            return Optional.of("no mobile number");
        }
        List<ConsentScope.State> states = smsConsents.getOrDefault(ConsentRepository.keyOf(reservation.tenant,
                ConsentChangeHandler.normalised(reservation.guestPhone)), List.of());
        for (String purpose : List.of(StepPurpose.ofSms(communication.step), StepPurpose.MARKETING)) {
            if (withdrawnAt(states, purpose, reservation.tenant, reservation.hotelCode)) {
                return Optional.of("SMS consent withdrawn (" + purpose + ")");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code purpose} is withdrawn where the hotel's messages go: in the tenant's, hotel's or brand's scope. */
    private boolean withdrawnAt(List<ConsentScope.State> states, String purpose, String tenant, String hotelCode) {
        return ConsentScope.effective(states, purpose, hotelCode, config.brandOf(tenant, hotelCode))
                == CampaignAudience.Consent.WITHDRAWN;
    }

    // ---- campaign messages --------------------------------------------------------------------------------------

    /** What the claim needs to decide campaign messages: their guests, campaigns and marketing consents (1 query each). */
    private record CampaignRecipients(Map<String, GuestDirectory.Guest> guests, Map<UUID, CampaignEntity> campaigns,
                                      Map<String, List<ConsentScope.State>> consents,
                                      Map<String, Integer> sentInCapPeriod, Map<String, String> hotelNames) {
        static final CampaignRecipients NONE = new CampaignRecipients(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    private CampaignRecipients campaignRecipientsOf(List<CommunicationEntity> due) {
        // Campaign messages and guest occasions: keyed by guest, decided from the directory.
        List<CommunicationEntity> messages = due.stream().filter(c -> c.campaignId != null
                || (c.guestId != null && Occasions.isOccasion(c.step))).toList();
        if (messages.isEmpty()) {
            return CampaignRecipients.NONE;
        }
        Set<UUID> campaignIds = messages.stream().map(c -> c.campaignId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
        Map<String, GuestDirectory.Guest> guests = directory.byIds(messages.stream().map(c -> c.guestId)
                .collect(Collectors.toSet()));
        Map<UUID, CampaignEntity> campaigns = campaignIds.isEmpty() ? Map.of()
                : CampaignEntity.<CampaignEntity>list("id in ?1", campaignIds)
                        .stream().collect(Collectors.toMap(c -> c.id, Function.identity()));
        Map<String, String> hotelNames = communications.hotelNamesOf(messages.stream()
                .filter(c -> c.campaignId == null).map(c -> c.tenant + "\n" + c.hotelCode).distinct()
                .map(k -> k.split("\n", 2)).toList());
        Map<String, List<ConsentScope.State>> emailConsents = consents.states("EMAIL", guests.values().stream()
                .filter(g -> g.email() != null).map(g -> new String[] {g.tenant(), g.email()}).toList());
        // The frequency cap: campaign mails each guest of a capped tenant got within its period (one query per tenant);
        // counted up as this claim readies more, so one round never exceeds it either.
        Map<String, Integer> sent = new java.util.HashMap<>();
        Instant now = clock.instant();
        messages.stream().collect(Collectors.groupingBy(c -> c.tenant, Collectors.mapping(c -> c.guestId,
                        Collectors.toSet())))
                .forEach((tenant, ids) -> config.marketingCapOf(tenant).ifPresent(cap -> communications
                        .marketingSentSince(tenant, ids, now.minus(cap.period()))
                        .forEach((guestId, count) -> sent.put(tenant + "\n" + guestId, count))));
        return new CampaignRecipients(guests, campaigns, emailConsents, sent, hotelNames);
    }

    /**
     * Decides a claimed campaign message or guest occasion from the guest and the marketing consent as they are now:
     * the guest gone (erased, merged away) cancels it; an occasion no longer enabled or no longer holding (the guest
     * stayed again, the birth date changed) cancels it, one later than the planning freshness is skipped; no address,
     * a relay address, no GRANTED marketing consent (the tenant's, the hotel's and its brand's scope together) or an
     * opt-out skips it; over the frequency cap it is skipped; inside the hotel's quiet hours it waits; else it is ready (with its recipient). Returns whether it was decided
     * without sending.
     */
    private boolean claimCampaignMessage(CommunicationEntity message, CampaignRecipients recipients,
                                         List<Claimed> ready, Instant now) {
        GuestDirectory.Guest guest = recipients.guests().get(message.guestId);
        boolean occasion = message.campaignId == null;
        CampaignEntity campaign = occasion ? null : recipients.campaigns().get(message.campaignId);
        Occasions.Setting setting = occasion ? config.occasionOf(message.tenant, message.hotelCode, message.step) : null;
        Decision decision = null;
        if (guest == null) {
            decision = new Decision(CommunicationStatus.CANCELLED, CampaignAudience.GUEST_GONE);
        } else if (!occasion && campaign == null) {
            decision = new Decision(CommunicationStatus.FAILED, "campaign not found");
        } else if (!occasion && (CampaignEntity.ENDED.equals(campaign.status)
                || CampaignEntity.PAUSED.equals(campaign.status))) {
            // Ended or paused after this message was planned (and after the cancel of its pending messages): never sent.
            decision = new Decision(CommunicationStatus.CANCELLED, CampaignEntity.ENDED.equals(campaign.status)
                    ? org.guestcrm.journey.campaign.CampaignPlanner.ENDED_REASON
                    : org.guestcrm.journey.campaign.CampaignPlanner.PAUSED_REASON);
        } else if (occasion && !setting.enabled()) {
            decision = new Decision(CommunicationStatus.CANCELLED, Occasions.DISABLED);
        } else if (occasion && Occasions.noLongerHolds(message.step, message.occasionBasis,
                new Occasions.GuestFacts(guest.birthDate(), guest.lastStayDeparture())).isPresent()) {
            decision = new Decision(CommunicationStatus.CANCELLED, Occasions.noLongerHolds(message.step,
                    message.occasionBasis, new Occasions.GuestFacts(guest.birthDate(), guest.lastStayDeparture())).get());
        } else if (occasion && now.isAfter(message.dueAt.plus(config.occasionPlanning().freshness()))) {
            decision = new Decision(CommunicationStatus.SKIPPED, Reasons.lateBy(config.occasionPlanning().freshness()));
        } else if (unsubscribeLinks == null) {
            // A marketing mail never goes without a working one-click unsubscribe.
            decision = new Decision(CommunicationStatus.SKIPPED, "suppressed: no unsubscribe link configured");
        } else {
            // The marketing consent where this message goes: the tenant's, its hotel's and that hotel's brand's.
            CampaignAudience.Consent consent = guest.email() == null ? CampaignAudience.Consent.NONE
                    : ConsentScope.effective(recipients.consents().getOrDefault(
                                    ConsentRepository.keyOf(guest.tenant(), guest.email()), List.of()),
                            StepPurpose.MARKETING, message.hotelCode, config.brandOf(message.tenant, message.hotelCode));
            Optional<String> exclusion = CampaignAudience.exclusion(guest.email(), consent);
            if (exclusion.isPresent()) {
                decision = new Decision(CommunicationStatus.SKIPPED, exclusion.get());
            }
        }
        if (decision != null) {
            message.leaseOwner = null;
            message.leaseExpiresAt = null;
            ledger.changeStatus(message, decision.status(), decision.reason(), now);
            return true;
        }
        Optional<org.guestcrm.journey.domain.FrequencyCap> cap = config.marketingCapOf(message.tenant);
        int sentInPeriod = recipients.sentInCapPeriod().getOrDefault(message.tenant + "\n" + message.guestId, 0);
        if (cap.isPresent() && !cap.get().allowsAnother(sentInPeriod)) {
            message.leaseOwner = null;
            message.leaseExpiresAt = null;
            ledger.changeStatus(message, CommunicationStatus.SKIPPED, cap.get().reason(), now);
            return true;
        }
        Optional<Instant> quiet = quietUntil(message, now);
        if (quiet.isPresent()) {
            message.nextAttemptAt = quiet.get();
            return true;
        }
        if (cap.isPresent()) {
            recipients.sentInCapPeriod().put(message.tenant + "\n" + message.guestId, sentInPeriod + 1);
        }
        // Detached: its contact point is written by the claim's lease statement, not by an UPDATE of its own.
        communications.getEntityManager().detach(message);
        message.contactPoint = guest.email();
        CampaignRecipient recipient = occasion
                ? new CampaignRecipient(guest.email(), guest.language(), null, recipients.hotelNames()
                        .getOrDefault(message.tenant + "\n" + message.hotelCode, message.hotelCode), setting.template())
                : new CampaignRecipient(guest.email(), guest.language(), campaign.name,
                        String.join(", ", campaign.hotelCodeList()), campaign.templateName == null
                                ? JourneyMessages.DEFAULT_CAMPAIGN_TEMPLATE : campaign.templateName, campaign);
        ready.add(new Claimed(message, null, recipient, message.attempts + 1, message.leaseOwner != null));
        return false;
    }

    private Delivery campaignDeliveryOf(Claimed claimed) {
        CommunicationEntity message = claimed.communication();
        CampaignRecipient recipient = claimed.recipient();
        String token = unsubscribeLinks.sign(UNSUBSCRIBE_SCOPE, message.tenant,
                unsubscribeSubject(message.tenant, StepPurpose.MARKETING, recipient.email()),
                config.links().unsubscribeValidity());
        String base = config.links().unsubscribeBaseUrl().orElseThrow();
        String link = base + (base.contains("?") ? "&" : "?") + "t=" + token;
        MessageTemplates.Rendered email;
        String templateName = recipient.template();
        if (message.campaignId == null) {
            email = messages.occasion(message.tenant, message.hotelCode, recipient.template(), recipient.hotels(),
                    recipient.language(), link);
        } else if (recipient.inline()) {
            // The campaign's own subject, text and HTML (checked when it was created), the same for every guest.
            CampaignEntity campaign = recipient.campaign();
            email = messages.inlineCampaign(campaign.contentSubject, campaign.contentText, campaign.contentHtml,
                    campaign.contentLanguage, recipient.campaignName(), recipient.hotels(), link);
            templateName = "campaign " + campaign.id;
        } else {
            email = messages.campaign(message.tenant, message.hotelCode, recipient.template(), recipient.campaignName(),
                    recipient.hotels(), recipient.language(), link);
        }
        Mail mail = withTemplateHeaders(Mail.withText(recipient.email(), email.subject(), email.text())
                .setHtml(tracked(email.html(), message)), email, templateName)
                .addHeader("Message-ID", messageIdOf(message.id))
                .addHeader("X-GuestCRM-Communication-Id", message.id.toString())
                // RFC 8058 one-click unsubscribe (RFC 2369 header), served by the optout-service.
                .addHeader("List-Unsubscribe", "<" + link + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        withBounceAddress(mail, message.id);
        return new Delivery(message.id, claimed.attempt(), claimed.previousClaimUnfinished(), mail);
    }

    /**
     * The claimed message rendered; one whose template cannot be rendered (a broken override) fails for good instead of
     * failing the round over and over. Logs the communication and the error type only (the message holds guest data).
     */
    private Delivery renderedOrUnsendable(Claimed claimed) {
        try {
            return deliveryOf(claimed);
        } catch (RuntimeException e) {
            LOG.errorf("Communication %s (%s): its message could not be rendered (%s); FAILED without sending.",
                    claimed.communication().id, claimed.communication().step, e.getClass().getName());
            return Delivery.unsendable(claimed.communication().id, claimed.attempt(), claimed.previousClaimUnfinished(),
                    "message could not be rendered (template error)");
        }
    }

    private Delivery deliveryOf(Claimed claimed) {
        if (claimed.recipient() != null) {
            return campaignDeliveryOf(claimed);
        }
        CommunicationEntity communication = claimed.communication();
        ReservationEntity reservation = claimed.reservation();
        if (communication.channel == Channel.SMS) {
            MessageTemplates.Rendered text = messages.sms(reservation.tenant, reservation.hotelCode, communication.step,
                    JourneyMapper.emailContextOf(reservation));
            return new Delivery(communication.id, claimed.attempt(), claimed.previousClaimUnfinished(), null,
                    new org.guestcrm.journey.sms.SmsMessage(reservation.guestPhone, text.text(),
                            communication.id.toString()), null);
        }
        MessageTemplates.Rendered email = messages.email(reservation.tenant, reservation.hotelCode, communication.step,
                JourneyMapper.emailContextOf(reservation), linksOf(communication));
        Mail mail = withTemplateHeaders(Mail.withText(reservation.guestEmail, email.subject(), email.text())
                .setHtml(tracked(email.html(), communication)), email, JourneyMessages.templateNameOf(communication.step))
                .addHeader("Message-ID", messageIdOf(communication.id))
                .addHeader("X-GuestCRM-Communication-Id", communication.id.toString());
        withBounceAddress(mail, communication.id);
        Optional<String> purpose = StepPurpose.of(communication.step);
        if (purpose.isPresent() && unsubscribeLinks != null) {
            // RFC 8058 one-click unsubscribe: the optout-service verifies the token (scope unsubscribe), resolves the
            // opaque contact-point reference and withdraws the consent of subject "EMAIL:<purpose>:<cp1_...>". The
            // address itself never appears in the URL.
            String token = unsubscribeLinks.sign(UNSUBSCRIBE_SCOPE, reservation.tenant,
                    unsubscribeSubject(reservation.tenant, purpose.get(), reservation.guestEmail),
                    config.links().unsubscribeValidity());
            String base = config.links().unsubscribeBaseUrl().orElseThrow();
            mail.addHeader("List-Unsubscribe", "<" + base + (base.contains("?") ? "&" : "?") + "t=" + token + ">");
            mail.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        return new Delivery(communication.id, claimed.attempt(), claimed.previousClaimUnfinished(), mail);
    }

    /**
     * The envelope sender (SMTP MAIL FROM, the Return-Path the receiving server writes) of the message: its VERP address
     * on the bounce domain, so a bounce after acceptance names the message (issue 9). Unchanged without a bounce domain.
     */
    private void withBounceAddress(Mail mail, UUID communicationId) {
        if (verp != null) {
            mail.setBounceAddress(verp.addressOf(communicationId));
        }
    }

    /** The HTML part with its open pixel and tracked links (MailTracking), when tracking is configured. */
    private String tracked(String html, CommunicationEntity communication) {
        return tracking == null ? html : tracking.instrument(html, communication.tenant, communication.id);
    }

    /** The guest links a step's text may hold: the survey page's for the post-stay survey (signed, expiring). */
    private Map<String, Object> linksOf(CommunicationEntity communication) {
        if (communication.step != org.guestcrm.journey.domain.JourneyStep.POST_STAY_SURVEY || surveyLinks == null) {
            return Map.of();
        }
        String token = surveyLinks.sign(org.guestcrm.journey.api.SurveyResource.SCOPE, communication.tenant,
                communication.id.toString(), config.links().surveyValidity());
        String base = config.links().surveyBaseUrl().orElseThrow();
        return Map.of("surveyUrl", (base.endsWith("/") ? base : base + "/") + token);
    }

    /**
     * Says which template made the mail: {@code Content-Language} (the language used), {@code X-GuestCRM-Template}
     * (where it came from: hotel, tenant or built-in, and its name) and, when the guest's language had none,
     * {@code X-GuestCRM-Template-Fallback: <asked> -> <used>}. No guest data.
     */
    private static Mail withTemplateHeaders(Mail mail, MessageTemplates.Rendered rendered, String name) {
        if (rendered.language() == null) {
            // A campaign's inline content that does not say its language: no Content-Language.
            mail.addHeader("X-GuestCRM-Template", rendered.source() + " " + name);
            return mail;
        }
        mail.addHeader("Content-Language", rendered.language());
        mail.addHeader("X-GuestCRM-Template", rendered.source() + " " + name + "." + rendered.language());
        if (rendered.fellBack()) {
            mail.addHeader("X-GuestCRM-Template-Fallback", rendered.fallbackFrom() + " -> " + rendered.language());
        }
        return mail;
    }

    /** {@code EMAIL:<purpose>:} + the opaque {@link ContactPointRef} of the normalised address. */
    static String unsubscribeSubject(String tenant, String purpose, String address) {
        String normalised = org.guestcrm.platform.domain.ContactPointNormaliser.email(address)
                .orElse(ConsentChangeHandler.normalised(address));
        return "EMAIL:" + purpose + ":" + ContactPointRef.of(tenant, "EMAIL", normalised);
    }

    String messageIdOf(UUID communicationId) {
        return "<" + communicationId + "@" + config.dispatcher().messageIdDomain() + ">";
    }

    // ---- send ----------------------------------------------------------------------------------------------------

    /** Sends every delivery (bounded concurrency) and records the outcomes in groups (see {@link #collectGroup}). */
    private Map<DeliveryOutcome.Kind, Integer> sendAndRecord(List<Delivery> deliveries, Instant leaseUntil) {
        Map<DeliveryOutcome.Kind, Integer> counts = new EnumMap<>(DeliveryOutcome.Kind.class);
        if (deliveries.isEmpty()) {
            return counts;
        }
        BlockingQueue<DeliveryOutcome> arrived = new LinkedBlockingQueue<>();
        Multi.createFrom().iterable(deliveries)
                .onItem().transformToUni(delivery -> attempt(delivery, leaseUntil))
                .merge(config.dispatcher().concurrency())
                .subscribe().with(arrived::add, failure -> {
                    // Cannot happen (every attempt recovers into an outcome); never wait for outcomes that won't come.
                    LOG.errorf("The mail round stopped unexpectedly (%s); unrecorded claims expire at %s.",
                            failure.getClass().getName(), leaseUntil);
                    arrived.add(ROUND_ABORTED);
                });
        // Wait at most until every exchange must have ended; an outcome not back by then stays unrecorded and its
        // lease expires (the same as a crash).
        Instant giveUpAt = leaseUntil.plus(config.dispatcher().sendTimeout());
        int pending = deliveries.size();
        List<DeliveryOutcome> group = new ArrayList<>();
        while (pending > 0) {
            DeliveryOutcome first;
            try {
                long waitMillis = Math.max(1, Duration.between(clock.instant(), giveUpAt).toMillis());
                first = arrived.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warnf("Interrupted with %d mail outcomes outstanding; their leases expire at %s.", pending,
                        leaseUntil);
                break;
            }
            if (first == ROUND_ABORTED) {
                break;
            }
            if (first == null) {
                LOG.errorf("%d mail outcomes did not arrive before %s; their leases expire and they are sent again.",
                        pending, giveUpAt);
                break;
            }
            group.clear();
            group.add(first);
            collectGroup(arrived, group, pending, giveUpAt);
            boolean aborted = group.remove(ROUND_ABORTED);
            pending -= group.size();
            for (Unrecorded failed : tryRecord(group, leaseUntil)) {
                hold(failed);
            }
            for (DeliveryOutcome outcome : group) {
                counts.merge(outcome.kind(), 1, Integer::sum);
                outcomeCounters.get(outcome.kind()).increment();
            }
            if (aborted) {
                break;
            }
        }
        return counts;
    }

    /**
     * Adds to {@code group} (which holds the first outcome) what arrives until the round's {@code pending} outcomes are
     * all in, the group holds {@code record-batch}, or {@code record-window} has passed since the first: one
     * transaction then records them all, instead of one per group of one to three as they happen to arrive.
     */
    private void collectGroup(BlockingQueue<DeliveryOutcome> arrived, List<DeliveryOutcome> group, int pending,
                              Instant giveUpAt) {
        int limit = Math.max(1, Math.min(pending, config.dispatcher().recordBatch()));
        Duration window = config.dispatcher().recordWindow();
        Duration untilGiveUp = Duration.between(clock.instant(), giveUpAt);
        long closesAt = System.nanoTime()
                + Math.max(0, (window.compareTo(untilGiveUp) < 0 ? window : untilGiveUp).toNanos());
        while (group.size() < limit && !group.contains(ROUND_ABORTED)) {
            arrived.drainTo(group, limit - group.size());
            if (group.size() >= limit || group.contains(ROUND_ABORTED)) {
                return;
            }
            long left = closesAt - System.nanoTime();
            if (left <= 0) {
                return;
            }
            DeliveryOutcome next;
            try {
                next = arrived.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                return;
            }
            group.add(next);
        }
    }

    /** One SMTP exchange; never fails (a failure is an outcome). Not started unless the lease outlives it. */
    private Uni<DeliveryOutcome> attempt(Delivery delivery, Instant leaseUntil) {
        Duration timeout = config.dispatcher().sendTimeout();
        return Uni.createFrom().deferred(() -> {
            if (delivery.unsendable() != null) {
                return Uni.createFrom().item(new DeliveryOutcome(delivery.communicationId(), delivery.attempt(),
                        DeliveryOutcome.Kind.PERMANENT_FAILURE, delivery.unsendable()));
            }
            if (clock.instant().plus(timeout).isAfter(leaseUntil)) {
                return Uni.createFrom().item(DeliveryOutcome.notAttempted(delivery));
            }
            if (delivery.sms() != null) {
                // The gateway's HTTP call blocks: on a worker thread, never the event loop.
                return Uni.createFrom().item(() -> DeliveryOutcome.of(delivery, smsSender.send(delivery.sms())))
                        .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                        .ifNoItem().after(timeout).fail();
            }
            return mailer.send(delivery.mail())
                    .ifNoItem().after(timeout).fail()
                    .map(ignored -> DeliveryOutcome.sent(delivery));
        })
                // Outside the deferred: the mailer may also throw before it returns a Uni (an unparsable address).
                .onFailure().recoverWithItem(error -> DeliveryOutcome.failed(delivery, error));
    }

    // ---- record --------------------------------------------------------------------------------------------------

    /**
     * Records a group of outcomes in one transaction and answers those that could not be recorded, with the failure.
     * A transient failure (the database refused) fails the whole group at once; any other failure is retried outcome
     * by outcome, so one bad row never loses the others.
     */
    private List<Unrecorded> tryRecord(List<DeliveryOutcome> group, Instant leaseUntil) {
        try {
            long cpuBefore = THREADS.getCurrentThreadCpuTime();
            try {
                QuarkusTransaction.requiringNew().run(() -> recordInTransaction(group, leaseUntil));
            } finally {
                outcomeCpu.increment(THREADS.getCurrentThreadCpuTime() - cpuBefore);
            }
            outcomeTransactions.increment();
            return List.of();
        } catch (RuntimeException e) {
            if (group.size() == 1 || Failures.isTransient(e)) {
                return group.stream().map(outcome -> new Unrecorded(outcome, leaseUntil, e, 0)).toList();
            }
            LOG.warnf("Recording %d mail outcomes together failed (%s); recording them one by one.", group.size(),
                    Failures.describe(e));
            List<Unrecorded> failed = new ArrayList<>();
            for (DeliveryOutcome outcome : group) {
                failed.addAll(tryRecord(List.of(outcome), leaseUntil));
            }
            return failed;
        }
    }

    /**
     * Keeps an outcome whose recording failed, to record it before the next claim: the mail went out (or was tried)
     * and its lease must not make another claim send it again. A simulated crash forgets it (a dead replica remembers
     * nothing: the lease expires and the mail is sent again, the ambiguous re-send); so does a full buffer.
     */
    private void hold(Unrecorded failed) {
        DeliveryOutcome outcome = failed.outcome();
        if (isSimulatedCrash(failed.failure())) {
            LOG.errorf("Communication %s: the outcome %s of attempt %d could not be recorded (%s); its lease expires at "
                            + "%s, then it is claimed and sent again with the same Message-ID.", outcome.communicationId(),
                    outcome.kind(), outcome.attempt(), Failures.describe(failed.failure()), failed.leaseUntil());
            return;
        }
        synchronized (unrecorded) {
            if (unrecorded.size() >= config.dispatcher().maxUnrecordedOutcomes()
                    && !unrecorded.containsKey(outcome.communicationId())) {
                LOG.errorf("Communication %s: the outcome %s of attempt %d could not be recorded (%s) and %d outcomes are "
                                + "held already; its lease expires at %s, then it is claimed and sent again.",
                        outcome.communicationId(), outcome.kind(), outcome.attempt(),
                        Failures.describe(failed.failure()), unrecorded.size(), failed.leaseUntil());
                return;
            }
            unrecorded.put(outcome.communicationId(), failed);
        }
        LOG.errorf("Communication %s: the outcome %s of attempt %d could not be recorded (%s); it is held and recorded "
                        + "again before the next claim (no new claims until then).", outcome.communicationId(),
                outcome.kind(), outcome.attempt(), Failures.describe(failed.failure()));
    }

    /**
     * Records the held outcomes again, grouped by their claim's lease (the owner and expiry check still applies:
     * recording after the lease time is right as long as nobody re-claimed it). Throws while the database refuses, so
     * the tick claims nothing. An outcome that fails for another reason three times is given up to its lease.
     */
    synchronized void recordUnrecorded() {
        List<Unrecorded> held;
        synchronized (unrecorded) {
            if (unrecorded.isEmpty()) {
                return;
            }
            held = List.copyOf(unrecorded.values());
        }
        Map<Instant, List<DeliveryOutcome>> byLease = new java.util.LinkedHashMap<>();
        for (Unrecorded u : held) {
            byLease.computeIfAbsent(u.leaseUntil(), k -> new ArrayList<>()).add(u.outcome());
        }
        Throwable refused = null;
        int recorded = 0;
        for (Map.Entry<Instant, List<DeliveryOutcome>> lease : byLease.entrySet()) {
            if (refused != null) {
                break;
            }
            List<Unrecorded> failed = tryRecord(lease.getValue(), lease.getKey());
            Map<UUID, Unrecorded> failedById = failed.stream()
                    .collect(Collectors.toMap(u -> u.outcome().communicationId(), Function.identity(), (a, b) -> a));
            synchronized (unrecorded) {
                for (DeliveryOutcome outcome : lease.getValue()) {
                    Unrecorded failure = failedById.get(outcome.communicationId());
                    if (failure == null) {
                        unrecorded.remove(outcome.communicationId());
                        recorded++;
                    } else if (Failures.isTransient(failure.failure())) {
                        refused = failure.failure();
                    } else {
                        int failures = unrecorded.get(outcome.communicationId()).nonTransientFailures() + 1;
                        if (failures >= 3 || isSimulatedCrash(failure.failure())) {
                            unrecorded.remove(outcome.communicationId());
                            LOG.errorf("Communication %s: the outcome %s of attempt %d still cannot be recorded (%s); "
                                            + "given up to its lease, which expired at %s: it is claimed and sent again.",
                                    outcome.communicationId(), outcome.kind(), outcome.attempt(),
                                    Failures.describe(failure.failure()), lease.getKey());
                        } else {
                            unrecorded.put(outcome.communicationId(), new Unrecorded(outcome, lease.getKey(),
                                    failure.failure(), failures));
                        }
                    }
                }
            }
        }
        if (recorded > 0) {
            LOG.infof("Recorded %d held mail outcome(s) after their recording had failed.", recorded);
        }
        if (refused != null) {
            unrecordedRetriesFailed.incrementAndGet();
            throw new OutcomesStillUnrecordedException(unrecordedOutcomes(), refused);
        }
    }

    /** On shutdown, one more try to record the held outcomes; what stays unrecorded is left to its lease. */
    void recordUnrecordedOnShutdown(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        if (unrecordedOutcomes() == 0) {
            return;
        }
        try {
            recordUnrecorded();
        } catch (RuntimeException e) {
            LOG.errorf("Stopping with %d mail outcome(s) unrecorded (%s); their leases expire and they are sent again "
                    + "by the next claim.", unrecordedOutcomes(), Failures.describe(e));
        }
    }

    private Set<UUID> heldOutcomeIds() {
        synchronized (unrecorded) {
            return Set.copyOf(unrecorded.keySet());
        }
    }

    int unrecordedOutcomes() {
        synchronized (unrecorded) {
            return unrecorded.size();
        }
    }

    private static boolean isSimulatedCrash(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SimulatedCrash) {
                return true;
            }
        }
        return false;
    }

    private void recordInTransaction(List<DeliveryOutcome> group, Instant leaseUntil) {
        for (DeliveryOutcome outcome : group) {
            if (recordingRefused.contains(outcome.communicationId())) {
                throw new org.hibernate.exception.JDBCConnectionException("simulated: the database refused the "
                        + "connection", new java.sql.SQLTransientConnectionException("simulated refusal", "08001"));
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<UUID, DeliveryOutcome> byId = new java.util.HashMap<>(group.size() * 2);
        for (DeliveryOutcome outcome : group) {
            byId.put(outcome.communicationId(), outcome);
        }
        // Set-based, whatever the group's size (issue 5): one SELECT ... FOR UPDATE locks the claims still ours (same
        // owner and lease expiry: nobody re-claimed them) and reads them as plain values, every outcome is decided on
        // them here, one UPDATE ... FROM unnest(...) writes them all back and releases the leases, and the events go
        // to the outbox in this same transaction (one JDBC batch). No entity is loaded or dirty-checked per mail.
        List<CommunicationEntity> stillOurs = communications.lockStillLeased(byId.keySet(), instanceId, leaseUntil);
        List<CommunicationEntity> changed = new ArrayList<>(stillOurs.size());
        for (CommunicationEntity communication : stillOurs) {
            if (apply(communication, byId.remove(communication.id), now)) {
                changed.add(communication);
            }
        }
        communications.writeOutcomes(stillOurs, now);
        ledger.statusesChanged(changed, now);
        for (DeliveryOutcome lost : byId.values()) {
            LOG.warnf("Communication %s: the lease of attempt %d was taken over by another claim before its outcome %s "
                    + "was recorded; that claim decides.", lost.communicationId(), lost.attempt(), lost.kind());
        }
        for (DeliveryOutcome outcome : group) {
            if (outcomesToLose.remove(outcome.communicationId() + "#" + outcome.attempt())) {
                communications.flush();
                throw new SimulatedCrash("simulated crash before the outcome of communication "
                        + outcome.communicationId() + " was committed");
            }
        }
    }

    /**
     * Decides {@code outcome} on {@code communication} (plain values, written back by the caller's one statement):
     * the lease released; SENT recorded even if the planner cancelled or moved it during the exchange (the mail did
     * go out); a hard bounce or a permanent refusal final at once; a transient failure retried with back-off until
     * the attempts are used up. Returns whether its status changed (it then gets an event).
     */
    private boolean apply(CommunicationEntity communication, DeliveryOutcome outcome, Instant now) {
        communication.leaseOwner = null;
        communication.leaseExpiresAt = null;
        communication.updatedAt = now;
        switch (outcome.kind()) {
            case SENT -> {
                communication.nextAttemptAt = null;
                communication.lastError = null;
                communication.smsSegments = outcome.segments();
                setStatus(communication, CommunicationStatus.SENT, null, now);
                return true;
            }
            case NOT_ATTEMPTED -> {
                communication.attempts = Math.max(0, communication.attempts - 1);
                return false;
            }
            case HARD_BOUNCE -> {
                communication.lastError = outcome.error();
                communication.nextAttemptAt = null;
                if (!communication.status.isPending()) {
                    return false;
                }
                LOG.warnf("Communication %s (%s): the recipient was refused permanently at attempt %d; BOUNCED "
                        + "(HARD): %s", communication.id, communication.step, communication.attempts, outcome.error());
                communication.bounceType = "HARD";
                setStatus(communication, CommunicationStatus.BOUNCED, bounded("undeliverable: " + outcome.error()), now);
                return true;
            }
            case PERMANENT_FAILURE -> {
                communication.lastError = outcome.error();
                if (!communication.status.isPending()) {
                    return false;
                }
                LOG.warnf("Communication %s (%s) was refused permanently at attempt %d; FAILED without retry: %s",
                        communication.id, communication.step, communication.attempts, outcome.error());
                setStatus(communication, CommunicationStatus.FAILED, bounded("undeliverable: " + outcome.error()), now);
                return true;
            }
            case TRANSIENT_FAILURE -> {
                communication.lastError = outcome.error();
                if (!communication.status.isPending()) {
                    return false;
                }
                Optional<Instant> retryAt = config.retryPolicy().nextAttemptAfter(communication.attempts, now);
                if (retryAt.isPresent()) {
                    communication.nextAttemptAt = retryAt.get();
                    LOG.debugf("Communication %s attempt %d failed, retrying at %s: %s", communication.id,
                            communication.attempts, retryAt.get(), outcome.error());
                    return false;
                }
                communication.nextAttemptAt = null;
                LOG.warnf("Communication %s (%s) failed after %d attempts: %s", communication.id,
                        communication.step, communication.attempts, outcome.error());
                setStatus(communication, CommunicationStatus.FAILED,
                        bounded("delivery failed after " + communication.attempts + " attempts: " + outcome.error()),
                        now);
                return true;
            }
            default -> throw new IllegalStateException("unknown outcome " + outcome.kind());
        }
    }

    /** As {@link CommunicationLedger#changeStatus}, on a row the outcome statement writes (its event is added after). */
    private static void setStatus(CommunicationEntity communication, CommunicationStatus status, String reason,
                                  Instant now) {
        communication.status = status;
        communication.reason = reason;
        communication.updatedAt = now;
        if (status == CommunicationStatus.SENT) {
            communication.sentAt = now;
        }
    }

    private static String bounded(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
    }

    // ---- test seams ----------------------------------------------------------------------------------------------

    /** Makes recording the outcome of {@code attempt} of {@code communicationId} fail once, as a crash would. */
    void loseOutcomeOf(UUID communicationId, int attempt) {
        outcomesToLose.add(communicationId + "#" + attempt);
    }

    /** Makes the "database" refuse to record outcomes of {@code communicationId} until {@link #acceptRecordingOf}. */
    void refuseRecordingOf(UUID communicationId) {
        recordingRefused.add(communicationId);
    }

    void acceptRecordingOf(UUID communicationId) {
        recordingRefused.remove(communicationId);
    }

    /** How many ticks found the held outcomes still unrecordable. */
    long unrecordedRetriesFailed() {
        return unrecordedRetriesFailed.get();
    }

    String instanceId() {
        return instanceId;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- values --------------------------------------------------------------------------------------------------

    private record Decision(CommunicationStatus status, String reason) {
    }

    /** An outcome whose recording failed, the claim's lease it belongs to, and non-transient failures so far. */
    private record Unrecorded(DeliveryOutcome outcome, Instant leaseUntil, Throwable failure, int nonTransientFailures) {
    }

    /** The test seam's crash: the replica "dies", so the outcome is not held. */
    private static final class SimulatedCrash extends IllegalStateException {
        SimulatedCrash(String message) {
            super(message);
        }
    }

    /** Held outcomes could not be recorded (the database still refuses): this tick claims nothing. */
    static final class OutcomesStillUnrecordedException extends IllegalStateException {
        OutcomesStillUnrecordedException(int held, Throwable cause) {
            super(held + " mail outcome(s) held unrecorded; no new claim until they are recorded", cause);
        }
    }

    /**
     * A campaign message's or guest occasion's recipient, read under the claim (personal data: never logged): for an
     * occasion {@code campaignName} is null and {@code hotels} the hotel's name; {@code template} the template's name.
     */
    record CampaignRecipient(String email, String language, String campaignName, String hotels, String template,
                             CampaignEntity campaign) {
        CampaignRecipient(String email, String language, String campaignName, String hotels, String template) {
            this(email, language, campaignName, hotels, template, null);
        }

        /** The campaign's own inline content, if it has one. */
        boolean inline() {
            return campaign != null && campaign.hasInlineContent();
        }
    }

    /** A claimed communication: a journey step (with its reservation) or a campaign message (with its recipient). */
    record Claimed(CommunicationEntity communication, ReservationEntity reservation, CampaignRecipient recipient,
                   int attempt, boolean previousClaimUnfinished) {
    }

    record Claim(int claimed, int decidedWithoutSending, List<Claimed> ready) {
        static final Claim NONE = new Claim(0, 0, List.of());
    }

    /** What one round did. */
    record RoundSummary(int claimed, int decidedWithoutSending, Map<DeliveryOutcome.Kind, Integer> outcomes,
                        Duration took) {
        static final RoundSummary NONE = new RoundSummary(0, 0, Map.of(), Duration.ZERO);

        int count(DeliveryOutcome.Kind kind) {
            return outcomes.getOrDefault(kind, 0);
        }
    }
}
