package org.guestcrm.journey.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.guestcrm.journey.domain.JourneyStep;
import org.guestcrm.journey.domain.StepPurpose;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The journey's KPIs in ONE aggregate statement (no entity loaded): the messages of a tenant (optionally of one hotel)
 * whose outcome fell in [from, to), counted per hotel, step and campaign.
 *
 * <ul>
 *   <li>sent: handed to the SMTP server or SMS gateway and answered for (SENT, BOUNCED or COMPLAINED); delivered:
 *       accepted and not bounced later (SENT or COMPLAINED: a bounce reported after acceptance by a DSN moves the row
 *       to BOUNCED, issue 9); bounced: BOUNCED (SMTP 5.1.x refusal, or a DSN's hard or soft bounce); failed: FAILED
 *       (other permanent refusals, retries used up).</li>
 *   <li>unsubscribed: sent e-mails that carried an unsubscribe link (steps with a consent purpose) and are the last
 *       such mail to their address before a WITHDRAWN of that purpose by {@code UNSUBSCRIBE_LINK} (crm.consents, as
 *       held in {@code consent_state} with its source since V26): the unsubscribe is counted against the mail most
 *       likely clicked. Counts the current consent state only (a guest who unsubscribed and opted in again is no
 *       longer counted).</li>
 *   <li>opened / clicked: delivered messages opened (first open: the tracking pixel loaded, or a click) and clicked
 *       (unique clicks: at least one tracked link followed), once per message (V29).</li>
 *   <li>survey: answers (survey_response, latest revision) to those messages: count and average score 0-10.</li>
 * </ul>
 * Dated by {@code sent_at} for sent mails, by the last update for bounced and failed ones (they have no send time).
 */
@ApplicationScoped
public class JourneyKpis {

    @Inject
    EntityManager entityManager;

    /** One group's figures. campaignId / campaignName null for journey steps and occasions. */
    public record Row(String hotelCode, String step, UUID campaignId, String campaignName, long sent, long delivered,
                      long bounced, long failed, long unsubscribed, long surveyAnswers, long surveyScoreSum,
                      long opened, long clicked, long complained) {
    }

    /** The step -> consent purpose of the mails that carry an unsubscribe link (StepPurpose), as SQL. */
    static String purposeOfStep(String column) {
        StringBuilder sql = new StringBuilder("CASE ").append(column);
        for (JourneyStep step : JourneyStep.values()) {
            StepPurpose.of(step).ifPresent(purpose -> sql.append(" WHEN '").append(step.name()).append("' THEN '")
                    .append(purpose).append('\''));
        }
        return sql.append(" END").toString();
    }

    private static final String QUERY = """
            WITH outcome AS (
              SELECT c.id, c.tenant, c.hotel_code, c.step, c.campaign_id, c.status, c.channel, c.contact_point,
                     c.sent_at, c.first_opened_at, c.first_clicked_at, %s AS purpose
                FROM communication c
               WHERE c.tenant = :tenant
                 AND c.status IN ('SENT', 'BOUNCED', 'FAILED', 'COMPLAINED')
                 AND coalesce(c.sent_at, c.updated_at) >= :from AND coalesce(c.sent_at, c.updated_at) < :to
                 AND (cast(:hotel AS text) IS NULL OR c.hotel_code = cast(:hotel AS text))
            ), m AS (
              SELECT o.*,
                     (o.status IN ('SENT', 'COMPLAINED') AND o.channel = 'EMAIL' AND o.purpose IS NOT NULL
                      AND o.contact_point IS NOT NULL AND EXISTS (
                        SELECT 1 FROM consent_state cs
                         WHERE cs.tenant = o.tenant AND cs.channel = 'EMAIL' AND cs.contact_point = o.contact_point
                           AND cs.purpose = o.purpose AND cs.status = 'WITHDRAWN' AND cs.source = 'UNSUBSCRIBE_LINK'
                           AND cs.effective_at >= o.sent_at
                           AND NOT EXISTS (
                             SELECT 1 FROM communication n
                              WHERE n.tenant = o.tenant AND n.contact_point = o.contact_point AND n.status IN ('SENT', 'COMPLAINED')
                                AND n.sent_at > o.sent_at AND n.sent_at <= cs.effective_at AND n.channel = 'EMAIL'
                                AND %s = o.purpose))) AS unsubscribed
                FROM outcome o
            ), answered AS (
              SELECT s.communication_id AS id, count(*) AS answers, sum(s.score) AS score_sum
                FROM survey_response s JOIN outcome o ON o.id = s.communication_id
               GROUP BY s.communication_id
            )
            SELECT m.hotel_code, m.step, m.campaign_id, max(k.name),
                   count(*) FILTER (WHERE m.status IN ('SENT', 'BOUNCED', 'COMPLAINED')),
                   count(*) FILTER (WHERE m.status IN ('SENT', 'COMPLAINED')),
                   count(*) FILTER (WHERE m.status = 'BOUNCED'),
                   count(*) FILTER (WHERE m.status = 'FAILED'),
                   count(*) FILTER (WHERE m.unsubscribed),
                   coalesce(sum(a.answers), 0),
                   coalesce(sum(a.score_sum), 0),
                   count(*) FILTER (WHERE m.status IN ('SENT', 'COMPLAINED') AND m.first_opened_at IS NOT NULL),
                   count(*) FILTER (WHERE m.status IN ('SENT', 'COMPLAINED') AND m.first_clicked_at IS NOT NULL),
                   count(*) FILTER (WHERE m.status = 'COMPLAINED')
              FROM m
              LEFT JOIN answered a ON a.id = m.id
              LEFT JOIN campaign k ON k.id = m.campaign_id
             GROUP BY m.hotel_code, m.step, m.campaign_id
             ORDER BY m.hotel_code, m.step, m.campaign_id NULLS FIRST
            """.formatted(purposeOfStep("c.step"), purposeOfStep("n.step"));

    /** The figures of {@code tenant} (of {@code hotelCode} when not null) for outcomes in [from, to). */
    public List<Row> of(String tenant, String hotelCode, Instant from, Instant to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(QUERY)
                .setParameter("tenant", tenant)
                .setParameter("hotel", hotelCode)
                .setParameter("from", Timestamp.from(from))
                .setParameter("to", Timestamp.from(to))
                .getResultList();
        List<Row> result = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            result.add(new Row((String) row[0], (String) row[1], row[2] == null ? null : (UUID) row[2],
                    (String) row[3], count(row[4]), count(row[5]), count(row[6]), count(row[7]), count(row[8]),
                    count(row[9]), count(row[10]), count(row[11]), count(row[12]), count(row[13])));
        }
        return result;
    }

    private static long count(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
