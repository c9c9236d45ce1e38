package org.guestcrm.journey.bounce;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.DeliveryFeedback;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.messaging.CommunicationLedger;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Records one report of the bounce mailbox in one transaction (issue 9): its {@code delivery_report} row first (a
 * report read again finds it and changes nothing), then the message it names (VERP token, else the original's
 * Message-ID), then at most once per message and kind ({@code communication_feedback}) the row's new status and its
 * CommunicationEvent through the outbox:
 * <ul>
 *   <li>HARD bounce (failed, 5.x.x): SENT, COMPLAINED or soft-bounced -> BOUNCED, bounce type HARD;</li>
 *   <li>SOFT bounce (failed 4.x.x, delayed): SENT -> BOUNCED, bounce type SOFT (the optout-service counts them);</li>
 *   <li>complaint (abuse): SENT or soft-bounced -> COMPLAINED; the event also for a hard-bounced one (the row stays).</li>
 * </ul>
 * A report for a message not yet recorded as sent (its SMTP outcome is being recorded) is left for the next poll; one
 * for a message never sent, unreadable, or naming no known message is set aside with its reason.
 */
@ApplicationScoped
public class DeliveryReportLedger {

    /** What became of a report. */
    public enum Outcome { RECORDED, NOTHING_NEW, NO_FAILURE, SET_ASIDE, READ_AGAIN_LATER }

    /** The outcome, the reason (set aside) and, when it was read before, that earlier outcome. */
    public record Recorded(Outcome outcome, String reason, boolean readBefore) {
    }

    public static final String NO_KNOWN_MESSAGE = "names no known message";
    public static final String NEVER_SENT = "the message it names was never sent";

    private static final Pattern MESSAGE_ID = Pattern.compile(
            "<?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})@([^>\\s]+)>?");

    @Inject
    EntityManager entityManager;
    @Inject
    CommunicationLedger ledger;
    @Inject
    Outbox outbox;
    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    /**
     * Records the report {@code reportKey}: {@code report} as read, or {@code unreadable} (its reason) when it could
     * not be read. Runs in its own transaction; a READ_AGAIN_LATER leaves nothing behind.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Recorded record(String reportKey, DeliveryReports.Report report, String unreadable, VerpAddresses verp,
                           Instant now) {
        int inserted = entityManager.createNativeQuery("""
                        INSERT INTO delivery_report (report_key, received_at, outcome) VALUES (:key, :now, 'SET_ASIDE')
                        ON CONFLICT (report_key) DO NOTHING""")
                .setParameter("key", reportKey).setParameter("now", Timestamp.from(now)).executeUpdate();
        if (inserted == 0) {
            Object[] before = (Object[]) entityManager.createNativeQuery(
                            "SELECT outcome, reason FROM delivery_report WHERE report_key = :key")
                    .setParameter("key", reportKey).getSingleResult();
            return new Recorded(Outcome.valueOf((String) before[0]), (String) before[1], true);
        }
        if (report == null) {
            return finish(reportKey, null, null, null, Outcome.SET_ASIDE, unreadable);
        }
        Optional<UUID> id = messageOf(report, verp);
        CommunicationEntity communication = id.map(found -> entityManager.find(CommunicationEntity.class, found,
                LockModeType.PESSIMISTIC_WRITE)).orElse(null);
        String kind = report.kind().map(Enum::name).orElse(null);
        if (communication == null) {
            return finish(reportKey, report.form(), null, kind, Outcome.SET_ASIDE, NO_KNOWN_MESSAGE);
        }
        if (communication.status.isPending()) {
            // Accepted a moment ago, its SENT not recorded yet: this report is read again at the next poll.
            throw new ReadAgainLater();
        }
        if (communication.sentAt == null && communication.status != CommunicationStatus.BOUNCED) {
            return finish(reportKey, report.form(), communication.id, kind, Outcome.SET_ASIDE, NEVER_SENT);
        }
        if (report.kind().isEmpty()) {
            return finish(reportKey, report.form(), communication.id, null, Outcome.NO_FAILURE, report.summary());
        }
        int first = entityManager.createNativeQuery("""
                        INSERT INTO communication_feedback (communication_id, kind, report_key, recorded_at)
                        VALUES (:id, :kind, :key, :now) ON CONFLICT DO NOTHING""")
                .setParameter("id", communication.id).setParameter("kind", kind).setParameter("key", reportKey)
                .setParameter("now", Timestamp.from(now)).executeUpdate();
        boolean changed = first == 1 && apply(communication, report.kind().get(), report.summary(), now);
        return finish(reportKey, report.form(), communication.id, kind,
                changed ? Outcome.RECORDED : Outcome.NOTHING_NEW, report.summary());
    }

    /** Thrown to roll the report's row back: it is read again at the next poll. */
    public static final class ReadAgainLater extends RuntimeException {
        ReadAgainLater() {
            super("the message is not recorded as sent yet", null, false, false);
        }
    }

    private boolean apply(CommunicationEntity communication, DeliveryFeedback.Kind kind, String summary, Instant now) {
        boolean hardBounced = communication.status == CommunicationStatus.BOUNCED
                && "HARD".equals(communication.bounceType);
        boolean softBounced = communication.status == CommunicationStatus.BOUNCED && !hardBounced;
        switch (kind) {
            case HARD_BOUNCE -> {
                if (hardBounced) {
                    return false;
                }
                communication.bounceType = "HARD";
                ledger.changeStatus(communication, CommunicationStatus.BOUNCED,
                        bounded("bounced after acceptance: " + summary), now);
                return true;
            }
            case SOFT_BOUNCE -> {
                if (communication.status != CommunicationStatus.SENT) {
                    return false;
                }
                communication.bounceType = "SOFT";
                ledger.changeStatus(communication, CommunicationStatus.BOUNCED,
                        bounded("soft bounce after acceptance: " + summary), now);
                return true;
            }
            case COMPLAINT -> {
                if (communication.status == CommunicationStatus.SENT || softBounced) {
                    communication.bounceType = null;
                    ledger.changeStatus(communication, CommunicationStatus.COMPLAINED,
                            bounded("complaint: " + summary), now);
                } else {
                    // Hard-bounced (or failed) since: the row keeps its status, the complaint still goes out once.
                    var event = org.guestcrm.events.CommunicationEvent.newBuilder(
                                    JourneyMapper.communicationEventOf(communication, now))
                            .setStatus(org.guestcrm.events.CommunicationStatus.COMPLAINED)
                            .setReason(bounded("complaint: " + summary)).setBounceType(null)
                            .setContactPoint(communication.contactPoint).build();
                    outbox.add(Topic.CRM_COMMUNICATIONS, JourneyMapper.communicationKeyOf(communication), event,
                            Map.of("communication-status", "COMPLAINED"));
                }
                return true;
            }
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
    }

    private Recorded finish(String reportKey, DeliveryReports.Form form, UUID communicationId, String kind,
                            Outcome outcome, String reason) {
        entityManager.createNativeQuery("""
                        UPDATE delivery_report SET form = :form, outcome = :outcome, communication_id = :id, kind = :kind,
                               reason = :reason WHERE report_key = :key""")
                .setParameter("form", form == null ? null : form.name())
                .setParameter("outcome", outcome.name())
                .setParameter("id", communicationId)
                .setParameter("kind", kind)
                .setParameter("reason", reason == null ? null : bounded(reason))
                .setParameter("key", reportKey)
                .executeUpdate();
        return new Recorded(outcome, reason, false);
    }

    /** The message the report names: a VERP address that verifies, else an original Message-ID of ours. */
    Optional<UUID> messageOf(DeliveryReports.Report report, VerpAddresses verp) {
        if (verp != null) {
            for (String candidate : report.verpCandidates()) {
                Optional<UUID> found = verp.messageIn(candidate);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        String domain = config.dispatcher().messageIdDomain();
        for (String messageId : report.messageIds()) {
            Matcher matcher = MESSAGE_ID.matcher(messageId);
            if (matcher.find() && matcher.group(2).equalsIgnoreCase(domain)) {
                return Optional.of(UUID.fromString(matcher.group(1)));
            }
        }
        return Optional.empty();
    }

    private static String bounded(String text) {
        String single = text.replaceAll("[\\r\\n]+", " ");
        return single.length() <= 200 ? single : single.substring(0, 199) + "…";
    }
}
