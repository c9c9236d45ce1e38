package org.guestcrm.journey.campaign;

import java.time.Clock;
import java.time.Instant;
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

    Clock clock = Clock.systemUTC();

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
     * plan the same guest (the unique index on (campaign_id, guest_id) backs it). Returns how many were planned now.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int launch(UUID campaignId) {
        CampaignEntity campaign = CampaignEntity.findById(campaignId, LockModeType.PESSIMISTIC_WRITE);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Set<String> planned = new HashSet<>(communications.getEntityManager().createQuery(
                        "select c.guestId from CommunicationEntity c where c.campaignId = :id", String.class)
                .setParameter("id", campaignId).getResultList());
        List<GuestDirectory.Guest> guests = directory.segment(campaign.tenant, campaign.hotelCodeList());
        Map<String, List<ConsentScope.State>> consentStates = consentStatesOf(guests);
        Instant due = campaign.dueAt != null && campaign.dueAt.isAfter(now) ? campaign.dueAt : now;
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
            message.guestId = guest.guestId();
            message.step = JourneyStep.CAMPAIGN;
            message.channel = Channel.EMAIL;
            message.status = exclusion.isEmpty() ? CommunicationStatus.SCHEDULED : CommunicationStatus.SKIPPED;
            message.reason = exclusion.orElse(null);
            // Marketing waits for the end of the hotel's quiet hours.
            message.dueAt = config.quietHoursOf(campaign.tenant, hotelCode)
                    .nextAllowed(due, config.zoneOf(campaign.tenant, hotelCode));
            message.correlationId = "campaign:" + campaign.id;
            message.causationId = null;
            message.attempts = 0;
            message.createdAt = now;
            message.updatedAt = now;
            communications.persist(message);
            ledger.statusChanged(message, now);
            count++;
        }
        if (CampaignEntity.DRAFT.equals(campaign.status)) {
            campaign.status = CampaignEntity.LAUNCHED;
            campaign.launchedAt = now;
        }
        campaign.updatedAt = now;
        LOG.infof("Campaign %s (tenant %s) launched: %d guest(s) planned now, %d of its segment in all.", campaign.id,
                campaign.tenant, count, guests.size());
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
