package org.guestcrm.optout.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.GuestProfileSummary;
import org.guestcrm.platform.domain.ContactKind;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The golden guests as consent needs them ({@code guest}, {@code guest_contact_point}, V14): from crm.guests which
 * guest holds which contact point, from crm.guest-merges which guest a merged-away one lives on in. Plain SQL in the
 * caller's transaction; the intake's statements take a whole batch.
 */
@ApplicationScoped
public class GuestDirectory {

    /** How many merges a chain may have before it is cut (A into B into C ...). */
    private static final int LONGEST_CHAIN = 10;

    @Inject
    EntityManager em;

    /** A guest as held: version applied last, and the guest it was merged into. */
    public record HeldGuest(String guestId, String tenant, long version, String mergedInto) {
    }

    /** The new state of one guest from crm.guests: its contact points, names and language (each may be null). */
    public record GuestContactPoints(String guestId, String tenant, long version, List<ContactPoint> contactPoints,
            GuestDetails details) {
        public GuestContactPoints(String guestId, String tenant, long version, List<ContactPoint> contactPoints) {
            this(guestId, tenant, version, contactPoints, GuestDetails.NONE);
        }
    }

    /**
     * What the preference centre shows of a guest besides its contact points: names and language (V20; any may be
     * null), its stays summary and interests (V22; {@link GuestProfileSummary#NONE} when none are held).
     */
    public record GuestDetails(String firstName, String lastName, String language, GuestProfileSummary summary) {
        public static final GuestDetails NONE = new GuestDetails(null, null, null, GuestProfileSummary.NONE);

        public GuestDetails {
            summary = summary == null ? GuestProfileSummary.NONE : summary;
        }

        public GuestDetails(String firstName, String lastName, String language) {
            this(firstName, lastName, language, GuestProfileSummary.NONE);
        }

        /** Trimmed, blank as null, cut to the columns' sizes. */
        public static GuestDetails of(String firstName, String lastName, String language) {
            return new GuestDetails(cut(firstName, 100), cut(lastName, 100), cut(language, 35));
        }

        public GuestDetails with(GuestProfileSummary newSummary) {
            return new GuestDetails(firstName, lastName, language, newSummary);
        }

        private static String cut(String value, int max) {
            if (value == null || value.isBlank()) {
                return null;
            }
            String v = value.strip();
            return v.length() <= max ? v : v.substring(0, max);
        }
    }

    /** The held guests of these ids: one query. */
    @SuppressWarnings("unchecked")
    public Map<String, HeldGuest> load(Collection<String> guestIds) {
        Map<String, HeldGuest> held = new HashMap<>();
        if (guestIds.isEmpty()) {
            return held;
        }
        List<Object[]> rows = PlainSql.rows(em, "select guest_id, tenant, version, merged_into from guest where guest_id = any (cast(?1 as text[]))",
                guestIds.toArray(String[]::new));
        for (Object[] r : rows) {
            held.put((String) r[0], new HeldGuest((String) r[0], (String) r[1], ((Number) r[2]).longValue(), (String) r[3]));
        }
        return held;
    }

    /**
     * Writes the guests' versions, names, language, stays summary and interests and replaces their contact points:
     * three statements for the batch.
     */
    public void save(Collection<GuestContactPoints> guests, Instant now) {
        if (guests.isEmpty()) {
            return;
        }
        PlainSql.update(em, """
                insert into guest (guest_id, tenant, version, updated_at, first_name, last_name, language,
                                   stay_count, last_stay_departure, last_stay_hotel_code, hotel_codes, interests)
                select g, t, cast(v as bigint), cast(?4 as timestamptz), f, l, lang,
                       cast(sc as integer), cast(ld as date), lh, cast(hc as jsonb), cast(i as jsonb)
                from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?5 as text[]),
                            cast(?6 as text[]), cast(?7 as text[]), cast(?8 as text[]), cast(?9 as text[]),
                            cast(?10 as text[]), cast(?11 as text[]), cast(?12 as text[]))
                     as x (g, t, v, f, l, lang, sc, ld, lh, hc, i)
                on conflict (guest_id) do update set version = excluded.version, updated_at = excluded.updated_at,
                    first_name = excluded.first_name, last_name = excluded.last_name, language = excluded.language,
                    stay_count = excluded.stay_count, last_stay_departure = excluded.last_stay_departure,
                    last_stay_hotel_code = excluded.last_stay_hotel_code, hotel_codes = excluded.hotel_codes,
                    interests = excluded.interests""",
                SqlValues.column(guests, GuestContactPoints::guestId),
                SqlValues.column(guests, GuestContactPoints::tenant),
                SqlValues.column(guests, GuestContactPoints::version),
                now.toString(),
                SqlValues.column(guests, g -> g.details().firstName()),
                SqlValues.column(guests, g -> g.details().lastName()),
                SqlValues.column(guests, g -> g.details().language()),
                SqlValues.column(guests, g -> g.details().summary().stayCount()),
                SqlValues.column(guests, g -> g.details().summary().lastStayDeparture()),
                SqlValues.column(guests, g -> g.details().summary().lastStayHotelCode()),
                SqlValues.column(guests, g -> json(g.details().summary().hotelCodes())),
                SqlValues.column(guests, g -> json(g.details().summary().interests())));
        PlainSql.update(em, "delete from guest_contact_point where guest_id = any (cast(?1 as text[]))",
                SqlValues.column(guests, GuestContactPoints::guestId));
        record Row(String guestId, String tenant, ContactPoint point) {
        }
        List<Row> rows = new ArrayList<>();
        for (GuestContactPoints g : guests) {
            for (ContactPoint point : new LinkedHashSet<>(g.contactPoints())) {
                rows.add(new Row(g.guestId(), g.tenant(), point));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        PlainSql.update(em, """
                insert into guest_contact_point (guest_id, tenant, kind, value)
                select g, t, k, v from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]))
                     as x (g, t, k, v)
                on conflict do nothing""",
                SqlValues.column(rows, Row::guestId),
                SqlValues.column(rows, Row::tenant),
                SqlValues.column(rows, r -> r.point().kind().name()),
                SqlValues.column(rows, r -> r.point().value()));
    }

    /**
     * {@code merged} now lives on in {@code surviving}: the survivor holds the merged guest's contact points (until its
     * own next crm.guests record says what it holds), the merged guest none, and points to the survivor.
     */
    public void merge(String tenant, String surviving, Collection<String> merged, Instant now) {
        String[] ids = merged.stream().filter(id -> !id.equals(surviving)).distinct().toArray(String[]::new);
        em.createNativeQuery("""
                insert into guest (guest_id, tenant, version, updated_at) values (?1, ?2, 0, cast(?3 as timestamptz))
                on conflict (guest_id) do nothing""")
                .setParameter(1, surviving).setParameter(2, tenant).setParameter(3, now.toString()).executeUpdate();
        if (ids.length == 0) {
            return;
        }
        em.createNativeQuery("""
                insert into guest (guest_id, tenant, version, merged_into, updated_at)
                select g, ?2, 0, ?3, cast(?4 as timestamptz) from unnest(cast(?1 as text[])) as x (g)
                on conflict (guest_id) do update set merged_into = excluded.merged_into, updated_at = excluded.updated_at,
                    first_name = null, last_name = null, language = null, stay_count = null, last_stay_departure = null,
                    last_stay_hotel_code = null, hotel_codes = null, interests = null""")
                .setParameter(1, ids).setParameter(2, tenant).setParameter(3, surviving).setParameter(4, now.toString())
                .executeUpdate();
        em.createNativeQuery("""
                insert into guest_contact_point (guest_id, tenant, kind, value)
                select ?2, tenant, kind, value from guest_contact_point where guest_id = any (cast(?1 as text[]))
                on conflict do nothing""")
                .setParameter(1, ids).setParameter(2, surviving).executeUpdate();
        em.createNativeQuery("delete from guest_contact_point where guest_id = any (cast(?1 as text[]))")
                .setParameter(1, ids).executeUpdate();
    }

    /**
     * The guest holding each of these contact points now, by {@code tenant + "\n" + value}, where exactly one guest
     * holds it (an address shared by two guests names neither): one query.
     */
    @SuppressWarnings("unchecked")
    public Map<String, String> soleHolders(Collection<ConsentLedgerStore.TenantValue> contactPoints) {
        Map<String, String> holders = new HashMap<>();
        if (contactPoints.isEmpty()) {
            return holders;
        }
        List<Object[]> rows = em.createNativeQuery("""
                select c.tenant, c.value, min(c.guest_id)
                from guest_contact_point c
                join (select distinct tenant, value from unnest(cast(?1 as text[]), cast(?2 as text[])) as k (tenant, value)) k
                  on c.tenant = k.tenant and c.value = k.value
                group by c.tenant, c.value having count(distinct c.guest_id) = 1""")
                .setParameter(1, SqlValues.column(contactPoints, ConsentLedgerStore.TenantValue::tenant))
                .setParameter(2, SqlValues.column(contactPoints, ConsentLedgerStore.TenantValue::value))
                .getResultList();
        for (Object[] r : rows) {
            holders.put(r[0] + "\n" + r[1], (String) r[2]);
        }
        return holders;
    }

    /** The guest {@code guestId} of {@code tenant} lives on in (itself, or the end of its merge chain), if known. */
    public Optional<String> survivorOf(String tenant, String guestId) {
        String current = guestId;
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < LONGEST_CHAIN && seen.add(current); i++) {
            HeldGuest held = load(List.of(current)).get(current);
            if (held == null || !held.tenant().equals(tenant)) {
                return Optional.empty();
            }
            if (held.mergedInto() == null) {
                return Optional.of(current);
            }
            current = held.mergedInto();
        }
        return Optional.empty();
    }

    /** The contact points guest {@code guestId} holds now, by kind then value. */
    @SuppressWarnings("unchecked")
    public List<ContactPoint> contactPointsOf(String tenant, String guestId) {
        List<Object[]> rows = em.createNativeQuery("""
                select kind, value from guest_contact_point where tenant = ?1 and guest_id = ?2 order by kind, value""")
                .setParameter(1, tenant).setParameter(2, guestId).getResultList();
        List<ContactPoint> points = new ArrayList<>();
        for (Object[] r : rows) {
            points.add(new ContactPoint(ContactKind.valueOf((String) r[0]), (String) r[1]));
        }
        return points;
    }

    /** The names, language, stays summary and interests held of guest {@code guestId} of {@code tenant} (none for an unknown guest). */
    @SuppressWarnings("unchecked")
    public GuestDetails detailsOf(String tenant, String guestId) {
        List<Object[]> rows = em.createNativeQuery("""
                select first_name, last_name, language, stay_count, last_stay_departure, last_stay_hotel_code,
                       cast(hotel_codes as text), cast(interests as text)
                from guest where tenant = ?1 and guest_id = ?2""")
                .setParameter(1, tenant).setParameter(2, guestId).getResultList();
        if (rows.isEmpty()) {
            return GuestDetails.NONE;
        }
        Object[] r = rows.get(0);
        java.time.LocalDate departure = r[4] == null ? null
                : r[4] instanceof java.sql.Date d ? d.toLocalDate() : java.time.LocalDate.parse(r[4].toString());
        GuestProfileSummary summary = new GuestProfileSummary(r[3] == null ? 0 : ((Number) r[3]).intValue(), departure,
                (String) r[5], readList((String) r[6]), readMap((String) r[7]));
        return new GuestDetails((String) r[0], (String) r[1], (String) r[2], summary);
    }

    /**
     * An erasure of guest {@code guestId}: its names, language, stays summary and interests (and those of the guests
     * merged into it) are gone.
     */
    public int forgetDetails(String tenant, String guestId) {
        return em.createNativeQuery("""
                update guest set first_name = null, last_name = null, language = null, stay_count = null,
                    last_stay_departure = null, last_stay_hotel_code = null, hotel_codes = null, interests = null
                where tenant = ?1 and (guest_id = ?2 or merged_into = ?2)""")
                .setParameter(1, tenant).setParameter(2, guestId).executeUpdate();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A list or map as JSON text for a jsonb column; null when empty. */
    static String json(Object value) {
        if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A guest summary cannot be written as JSON", e);
        }
    }

    private static List<String> readList(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("guest.hotel_codes is not a JSON array of strings", e);
        }
    }

    private static Map<String, String> readMap(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            // jsonb keeps keys in its own order: sort them again by name, as the intake wrote them.
            return new java.util.TreeMap<>(JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
            }));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("guest.interests is not a JSON object of strings", e);
        }
    }

    /** The merged-away guests living on in {@code guestId}. */
    @SuppressWarnings("unchecked")
    public List<String> mergedInto(String tenant, String guestId) {
        return em.createNativeQuery("select guest_id from guest where tenant = ?1 and merged_into = ?2 order by guest_id")
                .setParameter(1, tenant).setParameter(2, guestId).getResultList();
    }

}
