package org.guestcrm.journey.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides the modification and cancellation notices of a reservation (transactional, like the confirmation). Pure: it
 * returns the changes to make and touches nothing.
 *
 * <ul>
 * <li>A booked reservation (tentative, confirmed, waitlisted) whose dates, room type, rate plan or number of guests
 * change and that stays booked gets a MODIFICATION notice, due {@link NoticeSettings#window()} after the change; a
 * change arriving while that notice is pending joins it (its version becomes the newer one, its due time stays): a
 * burst is one notice, rendered from the latest state when sent. While the CONFIRMATION is still pending no
 * modification notice is planned: the confirmation goes out with the latest state.</li>
 * <li>A booked reservation that is cancelled gets a CANCELLATION notice, due after the window too; a pending
 * modification notice is cancelled "reservation cancelled"; a pending cancellation notice is cancelled "reservation
 * reinstated" when the reservation is booked again before it went.</li>
 * <li>At most one notice per reservation version. No notice for a reservation first seen (the confirmation, or nothing
 * for a booking first seen cancelled), for a history import or replay, for a stay that has ended, or for a change made
 * longer ago than {@link NoticeSettings#freshness()} (SKIPPED with the reason, as a stale confirmation is).</li>
 * <li>Pending notices follow the reservation: HELD while it is uncertain, released when settled, SKIPPED once stale
 * (checked again at send time), CANCELLED when the status no longer wants them.</li>
 * </ul>
 */
public final class NoticePlanner {

    private final NoticeSettings settings;

    public NoticePlanner(NoticeSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The notice changes for {@code reservation} as it is after {@code update} (null: nothing new arrived, e.g. the
     * dispatcher checking a due notice), given every communication of the reservation ({@code existing}: its notices and
     * its journey steps; only the notices are changed).
     */
    public List<CommunicationChange> plan(ReservationState reservation, ReservationUpdate update,
                                          List<ExistingCommunication> existing, Instant now) {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(existing, "existing");
        Objects.requireNonNull(now, "now");
        List<ExistingCommunication> notices = existing.stream().filter(c -> JourneyPlanner.isNotice(c.step())).toList();
        Map<UUID, CommunicationChange> changes = new LinkedHashMap<>();
        if (reservation.uncertain()) {
            for (ExistingCommunication notice : notices) {
                if (notice.status().isPending()) {
                    changes.put(notice.id(), CommunicationChange.update(notice, CommunicationStatus.HELD,
                            notice.dueAt(), Reasons.HELD_MISSING_FROM_EXPORT));
                }
            }
            return List.copyOf(changes.values());
        }
        if (reservation.status() == ReservationStatus.UNKNOWN) {
            return List.of();
        }
        CommunicationChange pendingModification = null;
        ExistingCommunication pendingModificationRow = null;
        for (ExistingCommunication notice : notices) {
            if (!notice.status().isPending() && notice.status() != CommunicationStatus.HELD) {
                continue;
            }
            Optional<String> notWanted = notWanted(notice.step(), reservation.status());
            if (notWanted.isPresent()) {
                changes.put(notice.id(), CommunicationChange.update(notice, CommunicationStatus.CANCELLED,
                        notice.dueAt(), notWanted.get()));
                continue;
            }
            Optional<String> stale = staleAtSend(notice.dueAt(), reservation, now);
            if (stale.isPresent()) {
                changes.put(notice.id(), CommunicationChange.update(notice, CommunicationStatus.SKIPPED,
                        notice.dueAt(), stale.get()));
                continue;
            }
            CommunicationChange kept = null;
            if (notice.status() == CommunicationStatus.HELD) {
                // Settled: released at its planned time (now when that has passed: it is still fresh).
                Instant at = notice.dueAt().isBefore(now) ? now : notice.dueAt();
                kept = CommunicationChange.update(notice, at.equals(notice.dueAt()) ? CommunicationStatus.SCHEDULED
                        : CommunicationStatus.RESCHEDULED, at, null);
                changes.put(notice.id(), kept);
            }
            if (notice.step() == JourneyStep.MODIFICATION) {
                pendingModificationRow = notice;
                pendingModification = kept;
            }
        }
        if (update == null || update.history() || update.before() == null) {
            return List.copyOf(changes.values());
        }
        ReservationTerms before = update.before();
        if (!before.status().isBooked()) {
            return List.copyOf(changes.values());
        }
        if (reservation.status() == ReservationStatus.CANCELLED) {
            if (!hasNoticeOf(notices, JourneyStep.CANCELLATION, update.version())) {
                changes.put(UUID.randomUUID(), newNotice(JourneyStep.CANCELLATION, update, reservation, now));
            }
        } else if (reservation.status().isBooked() && !before.changesTo(update.after()).isEmpty()) {
            boolean confirmationPending = existing.stream().anyMatch(c -> c.step() == JourneyStep.CONFIRMATION
                    && (c.status().isPending() || c.status() == CommunicationStatus.HELD));
            if (confirmationPending || hasNoticeOf(notices, JourneyStep.MODIFICATION, update.version())) {
                return List.copyOf(changes.values());
            }
            if (pendingModificationRow != null) {
                // Joins the pending notice: same due time, the newer version (the mail shows the latest state).
                CommunicationStatus status = pendingModification != null ? pendingModification.status()
                        : pendingModificationRow.status();
                Instant dueAt = pendingModification != null ? pendingModification.dueAt()
                        : pendingModificationRow.dueAt();
                changes.put(pendingModificationRow.id(), new CommunicationChange(pendingModificationRow.id(),
                        JourneyStep.MODIFICATION, pendingModificationRow.channel(), status, dueAt, null,
                        update.version()));
            } else {
                changes.put(UUID.randomUUID(), newNotice(JourneyStep.MODIFICATION, update, reservation, now));
            }
        }
        return List.copyOf(changes.values());
    }

    /** Why a pending notice of {@code step} is not wanted by a reservation in {@code status}; empty while it is. */
    private static Optional<String> notWanted(JourneyStep step, ReservationStatus status) {
        if (step == JourneyStep.CANCELLATION) {
            return status == ReservationStatus.CANCELLED ? Optional.empty()
                    : Optional.of(Reasons.RESERVATION_REINSTATED);
        }
        return switch (status) {
            case TENTATIVE, CONFIRMED, WAITLISTED, UNKNOWN -> Optional.empty();
            case CANCELLED -> Optional.of(Reasons.RESERVATION_CANCELLED);
            case NO_SHOW -> Optional.of(Reasons.NO_SHOW);
            case CHECKED_IN -> Optional.of(Reasons.GUEST_CHECKED_IN);
            case CHECKED_OUT -> Optional.of(Reasons.GUEST_CHECKED_OUT);
        };
    }

    /** A new notice of {@code update}: SCHEDULED after the window, or SKIPPED when it would be stale already. */
    private CommunicationChange newNotice(JourneyStep step, ReservationUpdate update, ReservationState reservation,
                                          Instant now) {
        Optional<String> stale = stayEnded(reservation, now);
        if (stale.isEmpty() && now.isAfter(update.changedAt().plus(settings.freshness()))) {
            stale = Optional.of(Reasons.changedTooLongAgo(settings.freshness()));
        }
        return stale.map(reason -> new CommunicationChange(null, step, Channel.EMAIL, CommunicationStatus.SKIPPED, now,
                        reason, update.version()))
                .orElseGet(() -> new CommunicationChange(null, step, Channel.EMAIL, CommunicationStatus.SCHEDULED,
                        now.plus(settings.window()), null, update.version()));
    }

    /** Why a notice due at {@code dueAt} no longer means anything at {@code now}; empty while it is fresh. */
    private Optional<String> staleAtSend(Instant dueAt, ReservationState reservation, Instant now) {
        Optional<String> ended = stayEnded(reservation, now);
        if (ended.isPresent()) {
            return ended;
        }
        return now.isAfter(dueAt.plus(settings.freshness())) ? Optional.of(Reasons.lateBy(settings.freshness()))
                : Optional.empty();
    }

    private static Optional<String> stayEnded(ReservationState reservation, Instant now) {
        LocalDate today = now.atZone(reservation.hotelZone()).toLocalDate();
        return today.isBefore(reservation.departure()) ? Optional.empty() : Optional.of(Reasons.STALE_STAY_ENDED);
    }

    private static boolean hasNoticeOf(List<ExistingCommunication> notices, JourneyStep step, String version) {
        return notices.stream().anyMatch(n -> n.step() == step && version.equals(n.noticeVersion()));
    }
}
