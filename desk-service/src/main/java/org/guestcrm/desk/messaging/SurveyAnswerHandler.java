package org.guestcrm.desk.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.desk.config.DeskRules;
import org.guestcrm.desk.domain.DeskRule;
import org.guestcrm.desk.domain.SurveyScore;
import org.guestcrm.desk.domain.TaskKind;
import org.guestcrm.desk.persistence.TaskEntity;
import org.guestcrm.events.SurveyAnswered;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * crm.survey-responses (SurveyAnswered, key communicationId) in one transaction per batch: the latest revision of each
 * response (by responseId) in survey_response, for the satisfaction figures. A revision replaces the answer held only
 * if it is higher; an older or equal one arriving late changes nothing (the earliest answer time is kept, the period
 * a response counts in). A detractor (0-6) who wrote a comment gets a SERVICE_RECOVERY task for the hotel ("call back
 * the guest"), once per response: a revision never opens a second one. The comment itself is never stored nor logged.
 */
@ApplicationScoped
public class SurveyAnswerHandler implements IntakeHandler<SurveyAnswered> {

    static final String CONSUMER = "desk-survey-responses";
    private static final Logger LOG = Logger.getLogger(SurveyAnswerHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DeskClock clock;
    @Inject
    DeskRules rules;
    @Inject
    TaskLedger tasks;
    @Inject
    GuestLinks guests;
    @Inject
    EntityManager entityManager;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<SurveyAnswered> recordType() {
        return SurveyAnswered.class;
    }

    @Override
    public UUID eventIdOf(SurveyAnswered value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("SurveyAnswered without metadata.eventId");
        }
        UUID id = value.getMetadata().getEventId();
        List<String> wrong = new ArrayList<>();
        if (blank(value.getTenantId())) {
            wrong.add("tenantId");
        }
        if (blank(value.getHotelCode()) && blank(value.getPmsReservationId())) {
            wrong.add("hotelCode (nor a pmsReservationId to take it from)");
        }
        if (value.getResponseId() == null) {
            wrong.add("responseId");
        }
        if (value.getCommunicationId() == null) {
            wrong.add("communicationId");
        }
        if (value.getRevision() < 1) {
            wrong.add("revision (at least 1)");
        }
        if (!SurveyScore.valid(value.getScore())) {
            wrong.add("score (0 to 10)");
        }
        if (value.getAnsweredAt() == null) {
            wrong.add("answeredAt");
        }
        if (value.getRatings() != null) {
            value.getRatings().forEach((aspect, rating) -> {
                if (rating == null || !SurveyScore.validRating(rating) || aspect.toString().isBlank()
                        || aspect.length() > 60) {
                    wrong.add("ratings (aspects of 1 to 60 characters, each rated 1 to 5)");
                }
            });
        }
        if (!wrong.isEmpty()) {
            throw new PoisonRecordException("SurveyAnswered " + id + " has no usable "
                    + String.join(", ", wrong.stream().distinct().toList()));
        }
        return id;
    }

    /** What the desk holds of one response. */
    private record Held(int revision, UUID recoveryTaskId) {
    }

    @Override
    public void apply(List<IntakeRecord<SurveyAnswered>> records) {
        Instant now = clock.now();
        Map<UUID, String> placed = hotelsFromReservations(records);
        List<UUID> ids = records.stream().map(r -> r.value().getResponseId()).distinct().toList();
        Map<UUID, Held> held = new HashMap<>();
        for (Object row : entityManager.createNativeQuery("""
                select response_id, revision, recovery_task_id from survey_response
                where response_id in (:ids) order by response_id for update""")
                .setParameter("ids", ids).getResultList()) {
            Object[] r = (Object[]) row;
            held.put((UUID) r[0], new Held(((Number) r[1]).intValue(), (UUID) r[2]));
        }
        int applied = 0;
        int recoveries = 0;
        for (IntakeRecord<SurveyAnswered> record : records) {
            SurveyAnswered answer = record.value();
            String hotel = cut(placed.getOrDefault(record.eventId(), str(answer.getHotelCode())));
            UUID responseId = answer.getResponseId();
            Held before = held.get(responseId);
            boolean newer = before == null || answer.getRevision() > before.revision();
            upsert(answer, hotel, newer, now);
            if (!newer) {
                LOG.debugf("Survey response %s revision %d is not newer than revision %d held; answer kept.",
                        responseId, answer.getRevision(), before.revision());
                continue;
            }
            applied++;
            UUID taskId = before == null ? null : before.recoveryTaskId();
            if (taskId == null && SurveyScore.needsRecovery(answer.getScore(), str(answer.getComment()))) {
                taskId = openRecovery(answer, hotel, now).id;
                entityManager.createNativeQuery("update survey_response set recovery_task_id = ?1 where response_id = ?2")
                        .setParameter(1, taskId).setParameter(2, responseId).executeUpdate();
                recoveries++;
            }
            held.put(responseId, new Held(answer.getRevision(), taskId));
        }
        LOG.debugf("Batch of %d survey answer(s): %d applied, %d service-recovery task(s) opened.", records.size(),
                applied, recoveries);
    }

    /**
     * Answers without a hotelCode (the schema allows it) take the hotel of the reservation the desk holds under the
     * answer's tenant and pmsReservationId, in one query per batch. An answer whose reservation the desk does not hold,
     * or holds in more than one hotel, cannot be placed: it fails, alone, as a dead letter naming why.
     */
    private Map<UUID, String> hotelsFromReservations(List<IntakeRecord<SurveyAnswered>> records) {
        List<IntakeRecord<SurveyAnswered>> placeless = records.stream().filter(r -> blank(r.value().getHotelCode()))
                .toList();
        Map<UUID, String> placed = new HashMap<>();
        if (placeless.isEmpty()) {
            return placed;
        }
        List<String> reservations = placeless.stream().map(r -> r.value().getPmsReservationId().toString()).distinct()
                .toList();
        Map<String, List<String>> hotels = new HashMap<>();
        for (Object row : entityManager.createNativeQuery("""
                select tenant, pms_reservation_id, hotel_code from reservation_state
                where pms_reservation_id in (:ids) order by hotel_code""")
                .setParameter("ids", reservations).getResultList()) {
            Object[] r = (Object[]) row;
            hotels.computeIfAbsent(r[0] + "|" + r[1], k -> new ArrayList<>()).add((String) r[2]);
        }
        for (IntakeRecord<SurveyAnswered> record : placeless) {
            SurveyAnswered answer = record.value();
            List<String> found = hotels.getOrDefault(answer.getTenantId() + "|" + answer.getPmsReservationId(), List.of());
            if (found.size() != 1) {
                throw new PoisonRecordException("SurveyAnswered " + answer.getMetadata().getEventId() + " has no hotelCode, "
                        + "and the desk holds its reservation " + answer.getPmsReservationId() + " in "
                        + (found.isEmpty() ? "no hotel" : found.size() + " hotels (" + String.join(", ", found) + ")")
                        + " of tenant " + answer.getTenantId() + ", so it cannot take the hotel from it");
            }
            placed.put(record.eventId(), found.get(0));
            LOG.debugf("Survey response %s without hotelCode placed in hotel %s from reservation %s.",
                    answer.getResponseId(), found.get(0), answer.getPmsReservationId());
        }
        return placed;
    }

    /**
     * Inserts the response, or replaces the answer held when this revision is newer; in any case keeps the earliest
     * answer time seen (the period the response counts in).
     */
    private void upsert(SurveyAnswered answer, String hotel, boolean newer, Instant now) {
        entityManager.createNativeQuery("""
                insert into survey_response (response_id, tenant, hotel_code, communication_id, pms_reservation_id,
                                             guest_id, revision, score, ratings, has_comment, answered_at, revised_at,
                                             updated_at)
                values (?1, ?2, ?3, ?4, nullif(?5, ''), nullif(?6, ''), ?7, ?8, cast(?9 as jsonb), ?10, ?11, ?11, ?12)
                on conflict (response_id) do update set
                    answered_at = least(survey_response.answered_at, excluded.answered_at),
                    revision = case when ?13 then excluded.revision else survey_response.revision end,
                    score = case when ?13 then excluded.score else survey_response.score end,
                    ratings = case when ?13 then excluded.ratings else survey_response.ratings end,
                    has_comment = case when ?13 then excluded.has_comment else survey_response.has_comment end,
                    revised_at = case when ?13 then excluded.revised_at else survey_response.revised_at end,
                    guest_id = coalesce(case when ?13 then excluded.guest_id end, survey_response.guest_id),
                    pms_reservation_id = coalesce(survey_response.pms_reservation_id, excluded.pms_reservation_id),
                    updated_at = excluded.updated_at""")
                .setParameter(1, answer.getResponseId())
                .setParameter(2, cut(answer.getTenantId()))
                .setParameter(3, hotel)
                .setParameter(4, answer.getCommunicationId())
                .setParameter(5, orEmpty(answer.getPmsReservationId()))
                .setParameter(6, orEmpty(answer.getGuestId()))
                .setParameter(7, answer.getRevision())
                .setParameter(8, answer.getScore())
                .setParameter(9, ratings(answer))
                .setParameter(10, !blank(answer.getComment()))
                .setParameter(11, answer.getAnsweredAt())
                .setParameter(12, now)
                .setParameter(13, newer)
                .executeUpdate();
    }

    private TaskEntity openRecovery(SurveyAnswered answer, String hotel, Instant now) {
        String tenant = answer.getTenantId();
        String reservation = str(answer.getPmsReservationId());
        String guestId = str(answer.getGuestId());
        if (guestId == null && reservation != null) {
            guestId = guests.guestOfReservation(tenant + ":" + hotel + ":" + reservation);
        }
        DeskRule rule = rules.of(tenant, hotel);
        Cause cause = new Cause(answer.getMetadata().getCorrelationId(), answer.getMetadata().getEventId().toString());
        TaskEntity task = tasks.open(new TaskLedger.NewTask(tenant, hotel, TaskKind.SERVICE_RECOVERY, null, null,
                reservation, guestId, rule.team(), rule.callBackDue(now), 1,
                "POST_STAY_SURVEY: call back the guest (score " + answer.getScore() + ", with a comment)"), now, cause);
        LOG.infof("Survey response %s of tenant %s hotel %s is a detractor's with a comment; service-recovery task %s "
                + "opened.", answer.getResponseId(), tenant, hotel, task.id);
        return task;
    }

    private static String ratings(SurveyAnswered answer) {
        Map<String, Integer> ratings = new TreeMap<>();
        if (answer.getRatings() != null) {
            answer.getRatings().forEach((aspect, rating) -> ratings.put(aspect.toString().trim().toLowerCase(java.util.Locale.ROOT), rating));
        }
        try {
            return JSON.writeValueAsString(ratings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Ratings could not be written as JSON", e);
        }
    }

    private static boolean blank(CharSequence value) {
        return value == null || value.toString().isBlank();
    }

    private static String str(CharSequence value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static String orEmpty(CharSequence value) {
        String text = str(value);
        return text == null ? "" : text.length() <= 200 ? text : text.substring(0, 200);
    }

    private static String cut(CharSequence value) {
        String text = value.toString();
        return text.length() <= 100 ? text : text.substring(0, 100);
    }
}
