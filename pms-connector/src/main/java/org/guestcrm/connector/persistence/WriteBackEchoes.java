package org.guestcrm.connector.persistence;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.domain.ContactWrite;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What write-backs told a feed's PMS, per profile (table {@code write_back_echo}, V18): the contact values the PMS
 * holds once it applied a write. Recorded before the PMS is called (its change notification may overtake its answer),
 * looked up when the feed delivers that profile again, removed when the echo came back, when the write failed for
 * good, or once it expired.
 */
@ApplicationScoped
public class WriteBackEchoes {

    /** A write whose echo may still come: the job's event id and what the PMS holds after it. */
    public record Expected(UUID eventId, ContactWrite held) {
    }

    @Inject
    EntityManager entityManager;

    @Inject
    ObjectMapper json;

    @Transactional
    public void expect(String feedId, String pmsProfileId, UUID eventId, ContactWrite held, Instant expiresAt) {
        entityManager.createNativeQuery("""
                        insert into write_back_echo (feed_id, pms_profile_id, event_id, expected, expires_at)
                        values (:feed, :profile, :eventId, :expected, :expires)
                        on conflict (feed_id, pms_profile_id, event_id) do update set expected = excluded.expected,
                            expires_at = excluded.expires_at""")
                .setParameter("feed", feedId).setParameter("profile", pmsProfileId).setParameter("eventId", eventId)
                .setParameter("expected", write(held)).setParameter("expires", expiresAt).executeUpdate();
    }

    /** The unexpired expectations of these profiles of a feed, in the caller's transaction (the intake's). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, List<Expected>> pending(String feedId, Collection<String> pmsProfileIds) {
        Map<String, List<Expected>> found = new HashMap<>();
        if (pmsProfileIds.isEmpty()) {
            return found;
        }
        entityManager.flush();
        List<Object[]> rows = entityManager.unwrap(org.hibernate.Session.class).doReturningWork(connection -> {
            List<Object[]> result = new ArrayList<>();
            java.sql.Array ids = connection.createArrayOf("varchar", pmsProfileIds.toArray(String[]::new));
            try (java.sql.PreparedStatement select = connection.prepareStatement("""
                    select pms_profile_id, event_id, expected from write_back_echo
                    where feed_id = ? and pms_profile_id = any(?) and expires_at > now()""")) {
                select.setString(1, feedId);
                select.setArray(2, ids);
                try (java.sql.ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Object[] {rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)});
                    }
                }
            } finally {
                ids.free();
            }
            return result;
        });
        for (Object[] row : rows) {
            found.computeIfAbsent((String) row[0], k -> new ArrayList<>())
                    .add(new Expected((UUID) row[1], read((String) row[2])));
        }
        return found;
    }

    /** The echo of this write came back (in the intake's transaction): it is not expected again. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void arrived(String feedId, String pmsProfileId, UUID eventId) {
        entityManager.createNativeQuery("""
                        delete from write_back_echo where feed_id = :feed and pms_profile_id = :profile and event_id = :eventId""")
                .setParameter("feed", feedId).setParameter("profile", pmsProfileId).setParameter("eventId", eventId)
                .executeUpdate();
    }

    /** An expectation as {@link IntakeWrites#lock} read it (the stored text of what the PMS holds). */
    public Expected expected(UUID eventId, String storedText) {
        return new Expected(eventId, read(storedText));
    }

    /** The write failed for good: the PMS holds nothing of it, so no echo is expected. */
    @Transactional
    public void forget(String feedId, String pmsProfileId, UUID eventId) {
        entityManager.createNativeQuery("""
                        delete from write_back_echo where feed_id = :feed and pms_profile_id = :profile and event_id = :eventId""")
                .setParameter("feed", feedId).setParameter("profile", pmsProfileId).setParameter("eventId", eventId)
                .executeUpdate();
    }

    /** Deletes expired expectations; answers how many. */
    @Transactional
    public int deleteExpired() {
        return entityManager.createNativeQuery("delete from write_back_echo where expires_at <= now()").executeUpdate();
    }

    private String write(ContactWrite held) {
        try {
            return json.writeValueAsString(held);
        } catch (IOException e) {
            throw new IllegalStateException("an expected echo could not be serialised", e);
        }
    }

    private ContactWrite read(String text) {
        try {
            return json.readValue(text, ContactWrite.class);
        } catch (IOException e) {
            throw new IllegalStateException("an expected echo could not be read", e);
        }
    }
}
