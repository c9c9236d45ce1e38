package org.guestcrm.journey.occasion;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.Channel;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.JourneyStep;
import org.guestcrm.journey.domain.Occasions;
import org.guestcrm.journey.messaging.CommunicationLedger;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Plans the guests' occasions (win-back, birthday, stay anniversary) from the guest directory (crm.guests): every
 * {@code journey.occasion-planning.every} it reads the directory page by page (one transaction per page, one replica at
 * a time through an advisory lock) and plans, per guest, every enabled occasion coming due within the horizon: one
 * communication per (guest, step, occasion), SCHEDULED at its time moved out of the hotel's quiet hours, with its
 * CommunicationEvent. A guest already planned for an occasion is skipped (the unique index backs it), so runs and
 * replicas never plan one twice. Consent, relay addresses, the frequency cap and whether the occasion still holds are
 * decided by the dispatcher when it is due, as for campaign messages. The guest's hotel is where the last stay was
 * (crm.guests' lastStayHotelCode), else (older events) the first of the directory's hotel codes.
 */
@ApplicationScoped
public class OccasionScheduler {

    private static final Logger LOG = Logger.getLogger(OccasionScheduler.class);
    static final List<JourneyStep> OCCASIONS = List.of(JourneyStep.WIN_BACK, JourneyStep.BIRTHDAY,
            JourneyStep.STAY_ANNIVERSARY);

    @Inject
    GuestDirectory directory;
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

    /** Every configured occasion setting is read at start: one that cannot be read fails the start, naming it. */
    void validate(@Observes StartupEvent start) {
        for (String tenant : config.tenantOccasions().keySet()) {
            for (JourneyStep step : OCCASIONS) {
                config.occasionOf(tenant, null, step);
            }
        }
        for (String hotel : config.hotelOccasions().keySet()) {
            for (JourneyStep step : OCCASIONS) {
                config.occasionOf("", hotel, step);
            }
        }
    }

    /** Whether any tenant or hotel has an occasion configured (else the planner has nothing to do). */
    boolean anyConfigured() {
        return !config.tenantOccasions().isEmpty() || !config.hotelOccasions().isEmpty();
    }

    @Scheduled(every = "${journey.occasion-planning.every:1h}", delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void planDue() {
        if (!anyConfigured()) {
            return;
        }
        try {
            planAt(clock.instant());
        } catch (RuntimeException e) {
            // The next run tries again; what is planned stays planned (one transaction per page).
            LOG.warnf("Occasion planning failed (%s); the next run tries again.", Failures.describe(e));
        }
    }

    /**
     * Plans every occasion due around {@code now} (the planner's clock: tests give their own) for the whole directory.
     * Returns how many communications were planned; -1 when another replica holds the planning lock.
     */
    public int planAt(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        String after = "";
        int planned = 0;
        while (true) {
            String from = after;
            Page page = QuarkusTransaction.requiringNew().call(() -> planPage(from, at));
            if (page == null) {
                LOG.debug("Occasion planning: another replica is planning; this run stops.");
                return -1;
            }
            planned += page.planned();
            if (page.lastGuestId() == null) {
                break;
            }
            after = page.lastGuestId();
        }
        if (planned > 0) {
            LOG.infof("Occasion planning: %d communication(s) planned.", planned);
        }
        return planned;
    }

    private record Page(String lastGuestId, int planned) {
    }

    /** One page in one transaction; null when the lock is held elsewhere; lastGuestId null after the last page. */
    Page planPage(String afterGuestId, Instant now) {
        Boolean locked = (Boolean) communications.getEntityManager()
                .createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", config.occasionPlanning().lockKey()).getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return null;
        }
        int limit = config.occasionPlanning().batchSize();
        List<GuestDirectory.Guest> guests = directory.occasionPage(afterGuestId, limit);
        if (guests.isEmpty()) {
            return new Page(null, 0);
        }
        List<Planned> wanted = new ArrayList<>();
        for (GuestDirectory.Guest guest : guests) {
            String hotel = guest.occasionHotel();
            Map<JourneyStep, Occasions.Setting> settings = new EnumMap<>(JourneyStep.class);
            for (JourneyStep step : OCCASIONS) {
                settings.put(step, config.occasionOf(guest.tenant(), hotel, step));
            }
            for (Occasions.Occurrence occurrence : Occasions.due(
                    new Occasions.GuestFacts(guest.birthDate(), guest.lastStayDeparture()), settings,
                    config.zoneOf(guest.tenant(), hotel), now, config.occasionPlanning().freshness(),
                    config.occasionPlanning().horizon())) {
                wanted.add(new Planned(guest, hotel, occurrence));
            }
        }
        Set<String> existing = wanted.isEmpty() ? Set.of() : existingKeys(wanted);
        int planned = 0;
        for (Planned p : wanted) {
            if (existing.contains(keyOf(p.guest().tenant(), p.guest().guestId(), p.occurrence().step().name(),
                    p.occurrence().occasion()))) {
                continue;
            }
            CommunicationEntity message = new CommunicationEntity();
            message.id = UUID.randomUUID();
            message.tenant = p.guest().tenant();
            message.hotelCode = p.hotel();
            message.guestId = p.guest().guestId();
            message.step = p.occurrence().step();
            message.channel = Channel.EMAIL;
            message.status = CommunicationStatus.SCHEDULED;
            message.occasion = p.occurrence().occasion();
            message.occasionBasis = p.occurrence().basis();
            // Marketing waits for the end of the hotel's quiet hours.
            message.dueAt = settings.quietHoursOf(message.tenant, message.hotelCode)
                    .nextAllowed(p.occurrence().dueAt(), config.zoneOf(message.tenant, message.hotelCode))
                    .truncatedTo(ChronoUnit.MICROS);
            message.correlationId = "occasion:" + message.step + ":" + message.occasion + ":" + message.guestId;
            message.attempts = 0;
            message.createdAt = now;
            message.updatedAt = now;
            communications.persist(message);
            ledger.statusChanged(message, now);
            planned++;
        }
        return new Page(guests.size() < limit ? null : guests.getLast().guestId(), planned);
    }

    private record Planned(GuestDirectory.Guest guest, String hotel, Occasions.Occurrence occurrence) {
    }

    private Set<String> existingKeys(List<Planned> wanted) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = communications.getEntityManager().createNativeQuery("""
                        select tenant, guest_id, step, occasion from communication
                        where occasion is not null and guest_id = any (cast(:ids as text[]))""")
                .setParameter("ids", wanted.stream().map(p -> p.guest().guestId()).distinct().toArray(String[]::new))
                .getResultList();
        Set<String> keys = new HashSet<>();
        for (Object[] row : rows) {
            keys.add(keyOf((String) row[0], (String) row[1], (String) row[2], (String) row[3]));
        }
        return keys;
    }

    private static String keyOf(String tenant, String guestId, String step, String occasion) {
        return tenant + "\n" + guestId + "\n" + step + "\n" + occasion;
    }
}
