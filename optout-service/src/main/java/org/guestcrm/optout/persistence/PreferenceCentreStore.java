package org.guestcrm.optout.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The preference centre's own tables (V12): pauses, mailed links and the rate limits of their requests, guests'
 * requests, erasure suppressions and the guests' activity trail. Plain SQL in the caller's transaction.
 */
@ApplicationScoped
public class PreferenceCentreStore {

    @Inject
    EntityManager em;

    /** A pause of one consent, due to be undone at {@code resumeAt} if the pause's withdrawal is still the state. */
    public record Pause(UUID id, String tenant, String contactPoint, String channel, String purpose, UUID entryId,
            Instant resumeAt) {
    }

    /**
     * A link to mail: the contact point by reference, the page language; {@code kind} PREFERENCES (a preference-centre
     * link) or ERASURE (the confirmation of an erasure request, {@code confirmationId}).
     */
    public record LinkMail(long id, String tenant, String ref, String lang, int attempts, String kind, UUID confirmationId,
            UUID emailChangeId) {
    }

    /** An erasure request waiting for its confirmation (its link works once, until {@code expiresAt}). */
    public record ErasureConfirmation(UUID id, String tenant, String ref, String lang, Instant expiresAt, Instant usedAt) {
    }

    public void addPause(Pause pause, Instant now) {
        em.createNativeQuery("""
                insert into marketing_pause (id, tenant, contact_point, channel, purpose, entry_id, resume_at, created_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)""")
                .setParameter(1, pause.id()).setParameter(2, pause.tenant()).setParameter(3, pause.contactPoint())
                .setParameter(4, pause.channel()).setParameter(5, pause.purpose()).setParameter(6, pause.entryId())
                .setParameter(7, Timestamp.from(pause.resumeAt())).setParameter(8, Timestamp.from(now)).executeUpdate();
    }

    /** The open pause of a contact point, if any (the latest). */
    public Optional<Instant> pausedUntil(String tenant, String contactPoint) {
        List<?> rows = em.createNativeQuery("""
                select max(resume_at) from marketing_pause where tenant = ?1 and contact_point = ?2 and resumed_at is null""")
                .setParameter(1, tenant).setParameter(2, contactPoint).getResultList();
        Object value = rows.isEmpty() ? null : rows.get(0);
        return Optional.ofNullable(toInstant(value));
    }

    /** Pauses due now, locked for this transaction (another replica skips them). */
    @SuppressWarnings("unchecked")
    public List<Pause> claimDuePauses(Instant now, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select id, tenant, contact_point, channel, purpose, entry_id, resume_at from marketing_pause
                where resumed_at is null and resume_at <= ?1 order by resume_at limit ?2 for update skip locked""")
                .setParameter(1, Timestamp.from(now)).setParameter(2, limit).getResultList();
        List<Pause> pauses = new ArrayList<>();
        for (Object[] r : rows) {
            pauses.add(new Pause((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], (UUID) r[5],
                    toInstant(r[6])));
        }
        return pauses;
    }

    public void endPause(UUID id, String outcome, Instant now) {
        em.createNativeQuery("update marketing_pause set resumed_at = ?1, outcome = ?2 where id = ?3")
                .setParameter(1, Timestamp.from(now)).setParameter(2, outcome).setParameter(3, id).executeUpdate();
    }

    /** Ends every open pause of a contact point (a newer choice of the guest, an erasure). */
    public void endPauses(String tenant, String contactPoint, String outcome, Instant now) {
        em.createNativeQuery("""
                update marketing_pause set resumed_at = ?1, outcome = ?2
                where tenant = ?3 and contact_point = ?4 and resumed_at is null""")
                .setParameter(1, Timestamp.from(now)).setParameter(2, outcome).setParameter(3, tenant)
                .setParameter(4, contactPoint).executeUpdate();
    }

    /** Records a request for a link and answers how many there were from this address and this client since. */
    public long[] recordLinkRequest(String tenant, String addressHash, String clientHash, Instant now, Instant since) {
        em.createNativeQuery("""
                insert into link_request (tenant, address_hash, client_hash, requested_at) values (?1, ?2, ?3, ?4)""")
                .setParameter(1, tenant).setParameter(2, addressHash).setParameter(3, clientHash)
                .setParameter(4, Timestamp.from(now)).executeUpdate();
        Object[] counts = (Object[]) em.createNativeQuery("""
                select count(*) filter (where address_hash = ?1), count(*) filter (where client_hash = ?2)
                from link_request where requested_at >= ?3 and (address_hash = ?1 or client_hash = ?2)""")
                .setParameter(1, addressHash).setParameter(2, clientHash).setParameter(3, Timestamp.from(since))
                .getSingleResult();
        return new long[] {((Number) counts[0]).longValue(), ((Number) counts[1]).longValue()};
    }

    public void queueLinkMail(String tenant, String ref, String lang, Instant now) {
        em.createNativeQuery("insert into preference_link_mail (tenant, ref, lang, created_at) values (?1, ?2, ?3, ?4)")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, lang).setParameter(4, Timestamp.from(now))
                .executeUpdate();
    }

    /**
     * An erasure request of the contact point {@code ref} to be confirmed by mail: the request and its mail (kind
     * ERASURE), sent by the link mailer like the preference-centre links.
     */
    public void queueErasureConfirmation(UUID id, String tenant, String ref, String lang, Instant now, Instant expiresAt) {
        em.createNativeQuery("""
                insert into erasure_confirmation (id, tenant, ref, lang, requested_at, expires_at) values (?1, ?2, ?3, ?4, ?5, ?6)""")
                .setParameter(1, id).setParameter(2, tenant).setParameter(3, ref).setParameter(4, lang)
                .setParameter(5, Timestamp.from(now)).setParameter(6, Timestamp.from(expiresAt)).executeUpdate();
        em.createNativeQuery("""
                insert into preference_link_mail (tenant, ref, lang, created_at, kind, confirmation_id)
                values (?1, ?2, ?3, ?4, 'ERASURE', ?5)""")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, lang).setParameter(4, Timestamp.from(now))
                .setParameter(5, id).executeUpdate();
    }

    /** A corrected address of the contact point {@code ref} to verify: the request and its mail to the new address. */
    public record EmailChange(UUID id, String tenant, String ref, String newValue, String lang, Instant expiresAt, Instant usedAt) {
    }

    /** The request to change {@code ref}'s address to {@code newValue}, and its mail (kind EMAIL_CHANGE). */
    public void queueEmailChange(UUID id, String tenant, String ref, String newValue, String lang, Instant now, Instant expiresAt) {
        em.createNativeQuery("""
                insert into email_change (id, tenant, ref, new_value, lang, requested_at, expires_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7)""")
                .setParameter(1, id).setParameter(2, tenant).setParameter(3, ref).setParameter(4, newValue)
                .setParameter(5, lang).setParameter(6, Timestamp.from(now)).setParameter(7, Timestamp.from(expiresAt))
                .executeUpdate();
        em.createNativeQuery("""
                insert into preference_link_mail (tenant, ref, lang, created_at, kind, email_change_id)
                values (?1, ?2, ?3, ?4, 'EMAIL_CHANGE', ?5)""")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, lang).setParameter(4, Timestamp.from(now))
                .setParameter(5, id).executeUpdate();
    }

    /** How many address changes were asked for the contact point {@code ref} since {@code since}. */
    public long emailChangesSince(String tenant, String ref, Instant since) {
        return ((Number) em.createNativeQuery("select count(*) from email_change where tenant = ?1 and ref = ?2 and requested_at > ?3")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, Timestamp.from(since)).getSingleResult())
                .longValue();
    }

    @SuppressWarnings("unchecked")
    public Optional<EmailChange> emailChange(UUID id) {
        List<Object[]> rows = em.createNativeQuery("""
                select id, tenant, ref, new_value, lang, expires_at, used_at from email_change where id = ?1""")
                .setParameter(1, id).getResultList();
        return rows.stream().findFirst().map(r -> new EmailChange((UUID) r[0], (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], toInstant(r[5]), r[6] == null ? null : toInstant(r[6])));
    }

    /** Uses the change once: true for the one caller that marks it used (not used before, not expired). */
    public boolean useEmailChange(UUID id, String tenant, String ref, Instant now) {
        return em.createNativeQuery("""
                update email_change set used_at = ?1 where id = ?2 and tenant = ?3 and ref = ?4 and used_at is null and expires_at > ?1""")
                .setParameter(1, Timestamp.from(now)).setParameter(2, id).setParameter(3, tenant).setParameter(4, ref)
                .executeUpdate() == 1;
    }

    /** How many erasure confirmations were asked for the contact point {@code ref} since {@code since}. */
    public long erasureConfirmationsSince(String tenant, String ref, Instant since) {
        return ((Number) em.createNativeQuery("""
                select count(*) from erasure_confirmation where tenant = ?1 and ref = ?2 and requested_at > ?3""")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, Timestamp.from(since)).getSingleResult())
                .longValue();
    }

    @SuppressWarnings("unchecked")
    public Optional<ErasureConfirmation> erasureConfirmation(UUID id) {
        List<Object[]> rows = em.createNativeQuery("""
                select id, tenant, ref, lang, expires_at, used_at from erasure_confirmation where id = ?1""")
                .setParameter(1, id).getResultList();
        return rows.stream().findFirst().map(r -> new ErasureConfirmation((UUID) r[0], (String) r[1], (String) r[2],
                (String) r[3], toInstant(r[4]), r[5] == null ? null : toInstant(r[5])));
    }

    /**
     * Uses the confirmation once: true for the one caller that marks it used (not used before, not expired), false for
     * every other (used, expired, another tenant's or contact point's).
     */
    public boolean useErasureConfirmation(UUID id, String tenant, String ref, UUID erasureId, Instant now) {
        return em.createNativeQuery("""
                update erasure_confirmation set used_at = ?1, erasure_id = ?2
                where id = ?3 and tenant = ?4 and ref = ?5 and used_at is null and expires_at > ?1""")
                .setParameter(1, Timestamp.from(now)).setParameter(2, erasureId).setParameter(3, id).setParameter(4, tenant)
                .setParameter(5, ref).executeUpdate() == 1;
    }

    /** Claims up to {@code limit} unsent links for {@code leaseUntil} (another replica skips them meanwhile). */
    @SuppressWarnings("unchecked")
    public List<LinkMail> claimLinkMails(Instant now, Instant leaseUntil, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                update preference_link_mail set claimed_until = ?1, attempts = attempts + 1
                where id in (select id from preference_link_mail where sent_at is null
                             and (claimed_until is null or claimed_until < ?2)
                             order by id limit ?3 for update skip locked)
                returning id, tenant, ref, lang, attempts, kind, confirmation_id, email_change_id""")
                .setParameter(1, Timestamp.from(leaseUntil)).setParameter(2, Timestamp.from(now)).setParameter(3, limit)
                .getResultList();
        List<LinkMail> mails = new ArrayList<>();
        for (Object[] r : rows) {
            mails.add(new LinkMail(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3],
                    ((Number) r[4]).intValue(), (String) r[5], (UUID) r[6], (UUID) r[7]));
        }
        return mails;
    }

    public void linkMailDone(long id, String outcome, Instant now) {
        em.createNativeQuery("update preference_link_mail set sent_at = ?1, outcome = ?2 where id = ?3")
                .setParameter(1, Timestamp.from(now)).setParameter(2, outcome).setParameter(3, id).executeUpdate();
    }

    public void linkMailFailed(long id, String error) {
        em.createNativeQuery("update preference_link_mail set last_error = ?1, claimed_until = null where id = ?2")
                .setParameter(1, error.length() > 200 ? error.substring(0, 200) : error).setParameter(2, id).executeUpdate();
    }

    public void addRequest(String tenant, String subject, String kind, String status, String detail, Instant now) {
        em.createNativeQuery("""
                insert into guest_request (id, tenant, subject, kind, status, requested_at, detail)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7)""")
                .setParameter(1, UUID.randomUUID()).setParameter(2, tenant).setParameter(3, subject).setParameter(4, kind)
                .setParameter(5, status).setParameter(6, Timestamp.from(now)).setParameter(7, detail).executeUpdate();
    }

    /** Which of these hashes are suppressed in {@code tenant}. */
    @SuppressWarnings("unchecked")
    public List<String> suppressed(String tenant, List<String> hashes) {
        if (hashes.isEmpty()) {
            return List.of();
        }
        return em.createNativeQuery("select hash from suppression where tenant = ?1 and hash = any (cast(?2 as text[]))")
                .setParameter(1, tenant).setParameter(2, hashes.toArray(String[]::new)).getResultList();
    }

    public void activity(String tenant, String subject, String action, String sourceAddress, String userAgent, int outcome) {
        em.createNativeQuery("""
                insert into guest_activity (occurred_at, tenant, subject, action, source_address, user_agent, outcome)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7)""")
                .setParameter(1, Timestamp.from(Instant.now())).setParameter(2, tenant).setParameter(3, subject)
                .setParameter(4, action).setParameter(5, cut(sourceAddress, 100)).setParameter(6, cut(userAgent, 300))
                .setParameter(7, outcome).executeUpdate();
    }

    /** One line of the guests' activity trail. */
    public record Activity(Instant occurredAt, String subject, String action, String sourceAddress, String userAgent,
            int outcome) {
    }

    @SuppressWarnings("unchecked")
    public List<Activity> activities(String tenant, Instant from, Instant to, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select occurred_at, subject, action, source_address, user_agent, outcome from guest_activity
                where tenant = ?1 and occurred_at >= ?2 and occurred_at < ?3 order by occurred_at desc, id desc limit ?4""")
                .setParameter(1, tenant).setParameter(2, Timestamp.from(from)).setParameter(3, Timestamp.from(to))
                .setParameter(4, limit).getResultList();
        List<Activity> activities = new ArrayList<>();
        for (Object[] r : rows) {
            activities.add(new Activity(toInstant(r[0]), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                    ((Number) r[5]).intValue()));
        }
        return activities;
    }

    /** The activity trail of one contact point's reference (its guest pages' accesses and changes), newest first. */
    @SuppressWarnings("unchecked")
    public List<Activity> activitiesOf(String tenant, String subject, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select occurred_at, subject, action, source_address, user_agent, outcome from guest_activity
                where tenant = ?1 and subject = ?2 order by occurred_at desc, id desc limit ?3""")
                .setParameter(1, tenant).setParameter(2, subject).setParameter(3, limit).getResultList();
        List<Activity> activities = new ArrayList<>();
        for (Object[] r : rows) {
            activities.add(new Activity(toInstant(r[0]), (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                    ((Number) r[5]).intValue()));
        }
        return activities;
    }

    /** An address change asked for and not confirmed (or expired) yet: the new address and until when its link works. */
    @SuppressWarnings("unchecked")
    public List<Object[]> openEmailChanges(String tenant, String ref, Instant now) {
        return em.createNativeQuery("""
                select new_value, requested_at, expires_at from email_change
                where tenant = ?1 and ref = ?2 and used_at is null and expires_at > ?3 order by requested_at""")
                .setParameter(1, tenant).setParameter(2, ref).setParameter(3, Timestamp.from(now)).getResultList();
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private static Instant toInstant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass().getName());
    }
}
