package org.guestcrm.journey.survey;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.journey.domain.JourneyStep;
import org.guestcrm.journey.domain.SurveyAnswer;
import org.guestcrm.journey.mapping.JourneyMapper;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.journey.persistence.SurveyResponseEntity;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * The post-stay survey's answers: one per survey communication, stored and published (SurveyAnswered on
 * crm.survey-responses through the outbox, in the same transaction); a changed answer raises the revision.
 */
@ApplicationScoped
public class SurveyAnswers {

    private static final Logger LOG = Logger.getLogger(SurveyAnswers.class);

    @Inject
    EntityManager entityManager;

    @Inject
    ReservationRepository reservations;

    @Inject
    Outbox outbox;

    @Inject
    org.guestcrm.journey.config.JourneyConfig config;

    @Inject
    Clock clock;

    private static final java.util.regex.Pattern ASPECT = java.util.regex.Pattern.compile("[a-z0-9_-]{1,40}");

    /** Fails the start when an aspect is not a plain name (it becomes a form field and an Avro map key), naming it. */
    void checkAspects(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent started) {
        java.util.Map<String, java.util.List<String>> lists = new java.util.LinkedHashMap<>();
        lists.put("journey.survey.aspects", config.survey().aspects());
        config.survey().tenantAspects().forEach((t, l) -> lists.put("journey.survey.tenant-aspects." + t, l));
        config.survey().hotelAspects().forEach((h, l) -> lists.put("journey.survey.hotel-aspects." + h, l));
        lists.forEach((key, aspects) -> {
            for (String aspect : aspects) {
                if (!ASPECT.matcher(aspect).matches()) {
                    throw new IllegalStateException(key + " names an aspect that is not 1-40 of [a-z0-9_-]");
                }
            }
        });
    }

    /** A survey the link points at: its communication, its reservation (for the hotel's name) and the answer so far. */
    public record Survey(CommunicationEntity communication, ReservationEntity reservation,
                         SurveyResponseEntity answer) {
    }

    /** The survey communication {@code communicationId} of {@code tenant}; empty when there is none. */
    @Transactional
    public Optional<Survey> find(String tenant, UUID communicationId) {
        CommunicationEntity communication = entityManager.find(CommunicationEntity.class, communicationId);
        if (!isSurveyOf(communication, tenant)) {
            return Optional.empty();
        }
        return Optional.of(new Survey(communication, reservationOf(communication),
                SurveyResponseEntity.of(communicationId)));
    }

    /**
     * Stores {@code answer} for the survey {@code communicationId} (revision 1, or the answer held + 1) and writes its
     * SurveyAnswered to the outbox, one transaction; the communication row is locked first, so two submits at once
     * make two revisions, never a conflict. Empty when there is no such survey.
     */
    @Transactional
    public Optional<SurveyResponseEntity> answer(String tenant, UUID communicationId, SurveyAnswer answer,
                                                 String language) {
        CommunicationEntity communication = entityManager.find(CommunicationEntity.class, communicationId,
                LockModeType.PESSIMISTIC_WRITE);
        if (!isSurveyOf(communication, tenant)) {
            return Optional.empty();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        SurveyResponseEntity response = SurveyResponseEntity.of(communicationId);
        if (response == null) {
            response = new SurveyResponseEntity();
            response.id = UUID.randomUUID();
            response.communicationId = communicationId;
            response.tenant = communication.tenant;
            response.hotelCode = communication.hotelCode;
            response.pmsReservationId = communication.pmsReservationId;
            response.guestId = communication.guestId;
            response.revision = 1;
            response.firstAnsweredAt = now;
        } else {
            response.revision++;
        }
        response.score = answer.score();
        response.ratings = new LinkedHashMap<>(answer.ratings());
        response.comment = answer.comment();
        response.language = language;
        response.answeredAt = now;
        if (response.revision == 1) {
            response.persist();
        }
        outbox.add(Topic.CRM_SURVEY_RESPONSES, communicationId.toString(),
                JourneyMapper.surveyAnsweredOf(response, communication.correlationId, now));
        // No comment, score or guest data in the log: ids only.
        LOG.debugf("Survey %s (communication %s) answered, revision %d.", response.id, communicationId,
                response.revision);
        return Optional.of(response);
    }

    private ReservationEntity reservationOf(CommunicationEntity communication) {
        return communication.pmsReservationId == null ? null
                : reservations.findByKey(communication.tenant, communication.hotelCode, communication.pmsReservationId)
                        .orElse(null);
    }

    private static boolean isSurveyOf(CommunicationEntity communication, String tenant) {
        return communication != null && communication.step == JourneyStep.POST_STAY_SURVEY
                && communication.tenant.equals(tenant);
    }
}
