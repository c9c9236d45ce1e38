package org.guestcrm.journey.campaign;

import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.CampaignAudience;
import org.guestcrm.journey.domain.CampaignRecurrence;
import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.ConsentScope;
import org.guestcrm.journey.domain.StepPurpose;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.JourneyStep;
import org.guestcrm.journey.messaging.CommunicationLedger;
import org.guestcrm.journey.persistence.CampaignEntity;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.ConsentRepository;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Campaigns: who a campaign reaches (preview), planning one communication per (campaign, guest) when it is launched
 * (exactly once: a launch locks the campaign, plans only the guests not planned yet, and a unique index backs it), and
 * cancelling what is pending for a guest who is erased or merged away. The mails are sent by the lease-and-send
 * dispatcher, which checks the guest and the marketing consent again under its claim.
 */
@ApplicationScoped
public class CampaignPlanner {

    private static final Logger LOG = Logger.getLogger(CampaignPlanner.class);

    /** One guest of the segment and whether they would receive the campaign (else why not). */
    public record Recipient(String guestId, boolean receives, String reason) {
    }

    @Inject
    GuestDirectory directory;
    @Inject
    ConsentRepository consents;
    @Inject
    CommunicationRepository communications;
    @Inject
    CommunicationLedger ledger;
    @Inject
    JourneyConfig config;
    @Inject
    org.guestcrm.journey.settings.JourneySettings settings;

    @Inject
    Clock clock;

    /** Who of the campaign's segment would receive it now and who would not, with the reason, by guest id. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Recipient> preview(CampaignEntity campaign) {
        List<Recipient> recipients = new ArrayList<>();
        List<GuestDirectory.Guest> guests = directory.segment(campaign.tenant, campaign.hotelCodeList());
        Map<String, List<ConsentScope.State>> consentStates = consentStatesOf(guests);
        for (GuestDirectory.Guest guest : guests) {
            Optional<String> exclusion = exclusionOf(guest, consentStates, hotelOf(campaign, guest));
            recipients.add(new Recipient(guest.guestId(), exclusion.isEmpty(), exclusion.orElse(null)));
        }
        // The tenant's frequency cap, as the send-time check will apply it now: one query for the guests who would
        // receive it; those already at the cap are shown held with the cap's reason.
        Optional<org.guestcrm.journey.domain.FrequencyCap> cap = config.marketingCapOf(campaign.tenant);
        if (cap.isPresent()) {
            List<String> receiving = recipients.stream().filter(Recipient::receives).map(Recipient::guestId).toList();
            Map<String, Integer> sent = communications.marketingSentSince(campaign.tenant, receiving,
                    clock.instant().minus(cap.get().period()));
            recipients.replaceAll(r -> r.receives() && !cap.get().allowsAnother(sent.getOrDefault(r.guestId(), 0))
                    ? new Recipient(r.guestId(), false, cap.get().reason()) : r);
        }
        return recipients;
    }

    /**
     * Plans the campaign for every guest of its segment not planned yet (SCHEDULED, or SKIPPED with the reason), with a
     * CommunicationEvent each, in the caller's transaction; the campaign row is locked first, so two launches never
     * plan the same guest (the unique index on (campaign_id, campaign_run, guest_id) backs it). A recurring campaign's
     * first launch plans its run 1 and sets when run 2 comes; launching it again plans the newcomers into the current
     * run. Returns how many were planned now.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int launch(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (CampaignEntity.PAUSED.equals(campaign.status) || CampaignEntity.ENDED.equals(campaign.status)) {
            throw new LifecycleConflict("A " + campaign.status.toLowerCase(java.util.Locale.ROOT) + " campaign cannot "
                    + "be launched" + (CampaignEntity.PAUSED.equals(campaign.status) ? "; resume it first." : "."));
        }
        if (CampaignEntity.DRAFT.equals(campaign.status)) {
            campaign.status = CampaignEntity.LAUNCHED;
            campaign.launchedAt = now;
        }
        Optional<Period> period = CampaignRecurrence.periodOf(campaign.recurrence);
        Integer run = null;
        Instant due = campaign.dueAt != null && campaign.dueAt.isAfter(now) ? campaign.dueAt : now;
        if (period.isPresent()) {
            if (campaign.runs == 0) {
                campaign.runs = 1;
                campaign.nextRunAt = CampaignRecurrence.runAt(firstRunOf(campaign), period.get(), 2);
            }
            run = campaign.runs;
            Instant runAt = CampaignRecurrence.runAt(firstRunOf(campaign), period.get(), run);
            due = runAt.isAfter(now) ? runAt : now;
        }
        int count = plan(campaign, run, due, now);
        campaign.updatedAt = now;
        return count;
    }

    /**
     * Runs a recurring campaign whose next run has come (issue 9), in the caller's transaction: the campaign row is
     * locked and the due run worked out again under the lock (another replica may have run it), its segment selected
     * anew and every guest of it planned for this run (due now, or at the run's time), and the run after it set.
     * Runs missed while the service was down are not made up: the latest due one runs. Returns the run planned, or
     * empty when none was due (any more).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Integer> runDue(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<Period> period = CampaignRecurrence.periodOf(campaign == null ? null : campaign.recurrence);
        if (period.isEmpty() || !CampaignEntity.LAUNCHED.equals(campaign.status) || campaign.runs == 0) {
            return Optional.empty();
        }
        Instant first = firstRunOf(campaign);
        Optional<Integer> due = CampaignRecurrence.dueRun(first, period.get(), campaign.runs, now);
        if (due.isEmpty()) {
            campaign.nextRunAt = CampaignRecurrence.runAt(first, period.get(), campaign.runs + 1);
            return Optional.empty();
        }
        int run = due.get();
        campaign.runs = run;
        campaign.nextRunAt = CampaignRecurrence.runAt(first, period.get(), run + 1);
        campaign.updatedAt = now;
        plan(campaign, run, now, now);
        return due;
    }

    /** The campaigns whose next run has come, oldest first. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> dueRecurring(int limit) {
        return communications.getEntityManager().createQuery("select c.id from CampaignEntity c where c.nextRunAt <= :now "
                        + "and c.status = :launched order by c.nextRunAt", UUID.class)
                .setParameter("now", clock.instant())
                .setParameter("launched", CampaignEntity.LAUNCHED)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Reasons of the messages a pause or an end cancelled (in the communication's status and reason). */
    public static final String PAUSED_REASON = "campaign paused";
    public static final String ENDED_REASON = "campaign ended";

    /** Why a lifecycle change is refused (the API answers 409 with it); the campaign's current status is in the text. */
    public static final class LifecycleConflict extends RuntimeException {
        public LifecycleConflict(String message) {
            super(message);
        }
    }

    /**
     * Pauses a launched recurring campaign, in the caller's transaction (campaign row locked): no run starts while it is
     * paused, and its messages not yet handed to SMTP are cancelled ("campaign paused", an event each). Returns how many
     * were cancelled. Refused (LifecycleConflict) for a one-shot campaign, a draft, a paused or an ended one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int pause(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        if (campaign.recurrence == null) {
            throw new LifecycleConflict("Only a recurring campaign can be paused; this one runs once (end it instead).");
        }
        if (!CampaignEntity.LAUNCHED.equals(campaign.status)) {
            throw new LifecycleConflict("Only a launched campaign can be paused; this one is " + campaign.status + ".");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        campaign.status = CampaignEntity.PAUSED;
        campaign.updatedAt = now;
        int cancelled = cancelPending(campaign, PAUSED_REASON, now);
        LOG.infof("Campaign %s (tenant %s) paused: %d pending message(s) cancelled.", campaign.id, campaign.tenant,
                cancelled);
        return cancelled;
    }

    /**
     * Resumes a paused campaign: the next run is the first one whose time is still ahead (runs that fell in the pause are
     * not made up). Refused unless the campaign is paused.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void resume(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        if (!CampaignEntity.PAUSED.equals(campaign.status)) {
            throw new LifecycleConflict("Only a paused campaign can be resumed; this one is " + campaign.status + ".");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Period period = CampaignRecurrence.periodOf(campaign.recurrence).orElseThrow();
        Instant first = firstRunOf(campaign);
        int skipped = CampaignRecurrence.dueRun(first, period, campaign.runs, now).orElse(campaign.runs);
        // The runs that came during the pause count as passed: the next is the first still ahead.
        campaign.runs = skipped;
        campaign.nextRunAt = CampaignRecurrence.runAt(first, period, skipped + 1);
        campaign.status = CampaignEntity.LAUNCHED;
        campaign.updatedAt = now;
        LOG.infof("Campaign %s (tenant %s) resumed: next run %d at %s.", campaign.id, campaign.tenant, skipped + 1,
                campaign.nextRunAt);
    }

    /**
     * Ends a launched or paused campaign for good: no further run or launch, its messages not yet handed to SMTP
     * cancelled ("campaign ended"). A message already under a dispatcher's lease is in its SMTP exchange and is not
     * recalled; the dispatcher cancels any message of an ended campaign it claims later. Returns how many were cancelled.
     * Refused for a draft (nothing was sent: there is nothing to end) and an ended campaign.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int end(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        if (!CampaignEntity.LAUNCHED.equals(campaign.status) && !CampaignEntity.PAUSED.equals(campaign.status)) {
            throw new LifecycleConflict("Only a launched or paused campaign can be ended; this one is "
                    + campaign.status + ".");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        campaign.status = CampaignEntity.ENDED;
        campaign.nextRunAt = null;
        campaign.updatedAt = now;
        int cancelled = cancelPending(campaign, ENDED_REASON, now);
        LOG.infof("Campaign %s (tenant %s) ended: %d pending message(s) cancelled.", campaign.id, campaign.tenant,
                cancelled);
        return cancelled;
    }

    /** Cancels the campaign's pending messages that no dispatcher holds under a lease (those are being sent). */
    private int cancelPending(CampaignEntity campaign, String reason, Instant now) {
        List<CommunicationEntity> pending = communications.find("campaignId = ?1 and status in ?2 "
                                + "and (leaseExpiresAt is null or leaseExpiresAt <= ?3) order by dueAt, id", campaign.id,
                        List.of(CommunicationStatus.SCHEDULED, CommunicationStatus.RESCHEDULED, CommunicationStatus.HELD),
                        now)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
        for (CommunicationEntity message : pending) {
            message.leaseOwner = null;
            message.leaseExpiresAt = null;
            ledger.changeStatus(message, CommunicationStatus.CANCELLED, reason, now);
        }
        return pending.size();
    }

    /** A recurring campaign's first run: its schedule's instant, else when it was first launched. */
    private static Instant firstRunOf(CampaignEntity campaign) {
        return campaign.dueAt != null ? campaign.dueAt : campaign.launchedAt;
    }

    /** Plans {@code run} (null: a one-shot campaign) for every guest of the segment as it is now not planned in it yet. */
    private int plan(CampaignEntity campaign, Integer run, Instant due, Instant now) {
        Set<String> planned = new HashSet<>(communications.getEntityManager().createQuery(
                        "select c.guestId from CommunicationEntity c where c.campaignId = :id "
                                + "and coalesce(c.campaignRun, 0) = :run", String.class)
                .setParameter("id", campaign.id)
                .setParameter("run", run == null ? 0 : run)
                .getResultList());
        List<GuestDirectory.Guest> guests = directory.segment(campaign.tenant, campaign.hotelCodeList());
        Map<String, List<ConsentScope.State>> consentStates = consentStatesOf(guests);
        int count = 0;
        for (GuestDirectory.Guest guest : guests) {
            if (!planned.add(guest.guestId())) {
                continue;
            }
            String hotelCode = hotelOf(campaign, guest);
            Optional<String> exclusion = exclusionOf(guest, consentStates, hotelCode);
            CommunicationEntity message = new CommunicationEntity();
            message.id = UUID.randomUUID();
            message.tenant = campaign.tenant;
            message.hotelCode = hotelCode;
            message.pmsReservationId = null;
            message.campaignId = campaign.id;
            message.campaignRun = run;
            message.guestId = guest.guestId();
            message.step = JourneyStep.CAMPAIGN;
            message.channel = Channel.EMAIL;
            message.status = exclusion.isEmpty() ? CommunicationStatus.SCHEDULED : CommunicationStatus.SKIPPED;
            message.reason = exclusion.orElse(null);
            // Marketing waits for the end of the hotel's quiet hours.
            message.dueAt = settings.quietHoursOf(campaign.tenant, hotelCode)
                    .nextAllowed(due, config.zoneOf(campaign.tenant, hotelCode));
            message.correlationId = "campaign:" + campaign.id + (run == null ? "" : ":run:" + run);
            message.causationId = null;
            message.attempts = 0;
            message.createdAt = now;
            message.updatedAt = now;
            communications.persist(message);
            ledger.statusChanged(message, now);
            count++;
        }
        LOG.infof("Campaign %s (tenant %s)%s: %d guest(s) planned now, %d of its segment in all.", campaign.id,
                campaign.tenant, run == null ? " launched" : " run " + run, count, guests.size());
        return count;
    }

    /** The campaign's messages by status, and the skipped and cancelled ones by reason. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, Map<String, Long>> outcomes(UUID campaignId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = communications.getEntityManager().createNativeQuery("""
                        select status, coalesce(reason, ''), count(*) from communication where campaign_id = :id
                        group by status, reason order by status, reason""")
                .setParameter("id", campaignId)
                .getResultList();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (Object[] row : rows) {
            long n = ((Number) row[2]).longValue();
            byStatus.merge((String) row[0], n, Long::sum);
            if (!((String) row[1]).isEmpty()) {
                byReason.merge((String) row[1], n, Long::sum);
            }
        }
        return Map.of("byStatus", byStatus, "byReason", byReason);
    }

    /**
     * Tombstones of crm.guests: deletes the guests from the directory and cancels their pending campaign messages
     * (with CommunicationEvent CANCELLED "guest erased or merged away"), in the caller's transaction. Returns
     * {guests deleted, messages cancelled}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int[] forgetGuests(List<String> guestIds) {
        int deleted = directory.deleteAll(guestIds);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<CommunicationEntity> pending = communications.find("guestId in ?1 "
                                + "and (campaignId is not null or occasion is not null) and status in ?2 "
                                + "order by tenant, hotelCode, pmsReservationId, dueAt, step", guestIds,
                        List.of(CommunicationStatus.SCHEDULED, CommunicationStatus.RESCHEDULED, CommunicationStatus.HELD))
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
        for (CommunicationEntity message : pending) {
            ledger.changeStatus(message, CommunicationStatus.CANCELLED, CampaignAudience.GUEST_GONE, now);
        }
        return new int[] {deleted, pending.size()};
    }

    private Map<String, List<ConsentScope.State>> consentStatesOf(List<GuestDirectory.Guest> guests) {
        return consents.states("EMAIL", guests.stream().filter(g -> g.email() != null)
                .map(g -> new String[] {g.tenant(), g.email()}).toList());
    }

    /**
     * Why the guest would not receive a marketing mail of {@code hotelCode} (the message's hotel): the marketing consent
     * that holds there is the tenant's, the hotel's and its brand's together (an opt-out in any wins).
     */
    private Optional<String> exclusionOf(GuestDirectory.Guest guest, Map<String, List<ConsentScope.State>> states,
                                         String hotelCode) {
        CampaignAudience.Consent consent = guest.email() == null ? CampaignAudience.Consent.NONE
                : ConsentScope.effective(states.getOrDefault(ConsentRepository.keyOf(guest.tenant(), guest.email()),
                        List.of()), StepPurpose.MARKETING, hotelCode, config.brandOf(guest.tenant(), hotelCode));
        return CampaignAudience.exclusion(guest.email(), consent);
    }

    /** The first hotel of the campaign's segment the guest stayed at (the hotel the message is counted for). */
    private static String hotelOf(CampaignEntity campaign, GuestDirectory.Guest guest) {
        for (String code : campaign.hotelCodeList()) {
            if (guest.hotelCodes().contains(code)) {
                return code;
            }
        }
        return campaign.hotelCodeList().getFirst();
    }
}
