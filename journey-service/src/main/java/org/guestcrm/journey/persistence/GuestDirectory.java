package org.guestcrm.journey.persistence;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hibernate.Session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The local guest directory ({@code guest_directory}, V14): crm.guests as last said, one row per golden guest. Written
 * and read with plain SQL in the caller's transaction (a batch of upserts is one JDBC batch).
 */
@ApplicationScoped
public class GuestDirectory {

    /** One guest as held: the marketing e-mail is personal data (never logged). */
    public record Guest(String guestId, String tenant, String email, String language, List<String> hotelCodes,
                        int stayCount, LocalDate lastStayDeparture, BigDecimal totalSpend, String spendCurrency,
                        long version, UUID lastEventId, LocalDate birthDate, String lastStayHotelCode) {

        /**
         * The hotel of the guest's occasions: where the last stay was (crm.guests' lastStayHotelCode), else the first
         * hotel code held (older events); null without either.
         */
        public String occasionHotel() {
            if (lastStayHotelCode != null) {
                return lastStayHotelCode;
            }
            return hotelCodes.isEmpty() ? null : hotelCodes.getFirst();
        }
    }

    @Inject
    EntityManager entityManager;

    /**
     * Upserts {@code guests} in one JDBC batch; a row is only replaced by a higher version (an older or equal one,
     * a redelivery, changes nothing). Returns how many rows changed.
     */
    public int upsertAll(Collection<Guest> guests, Instant now) {
        if (guests.isEmpty()) {
            return 0;
        }
        entityManager.flush();
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into guest_directory (guest_id, tenant, email, language, hotel_codes, stay_count,
                        last_stay_departure, total_spend, spend_currency, version, last_event_id, updated_at,
                        birth_date, last_stay_hotel_code)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (guest_id) do update set tenant = excluded.tenant, email = excluded.email,
                        language = excluded.language, hotel_codes = excluded.hotel_codes,
                        stay_count = excluded.stay_count, last_stay_departure = excluded.last_stay_departure,
                        total_spend = excluded.total_spend, spend_currency = excluded.spend_currency,
                        version = excluded.version, last_event_id = excluded.last_event_id,
                        updated_at = excluded.updated_at, birth_date = excluded.birth_date,
                        last_stay_hotel_code = excluded.last_stay_hotel_code
                    where guest_directory.version < excluded.version""")) {
                for (Guest guest : guests) {
                    Array codes = connection.createArrayOf("text", guest.hotelCodes().toArray());
                    upsert.setString(1, guest.guestId());
                    upsert.setString(2, guest.tenant());
                    upsert.setString(3, guest.email());
                    upsert.setString(4, guest.language());
                    upsert.setArray(5, codes);
                    upsert.setInt(6, guest.stayCount());
                    if (guest.lastStayDeparture() == null) {
                        upsert.setNull(7, Types.DATE);
                    } else {
                        upsert.setObject(7, guest.lastStayDeparture());
                    }
                    upsert.setBigDecimal(8, guest.totalSpend());
                    upsert.setString(9, guest.spendCurrency());
                    upsert.setLong(10, guest.version());
                    upsert.setObject(11, guest.lastEventId());
                    upsert.setTimestamp(12, Timestamp.from(now));
                    if (guest.birthDate() == null) {
                        upsert.setNull(13, Types.DATE);
                    } else {
                        upsert.setObject(13, guest.birthDate());
                    }
                    upsert.setString(14, guest.lastStayHotelCode());
                    upsert.addBatch();
                }
                int changed = 0;
                for (int count : upsert.executeBatch()) {
                    changed += Math.max(count, 0);
                }
                return changed;
            }
        });
    }

    /** Deletes the guests {@code guestIds} (tombstones: erased or merged away); returns how many rows went. */
    public int deleteAll(Collection<String> guestIds) {
        if (guestIds.isEmpty()) {
            return 0;
        }
        return entityManager.createNativeQuery("delete from guest_directory where guest_id = any (cast(:ids as text[]))")
                .setParameter("ids", guestIds.toArray(String[]::new))
                .executeUpdate();
    }

    /** Deletes the guests {@code guestIds} of {@code tenant} (an erasure); returns how many rows went. */
    public int deleteAllOf(String tenant, Collection<String> guestIds) {
        if (guestIds.isEmpty()) {
            return 0;
        }
        return entityManager.createNativeQuery(
                        "delete from guest_directory where tenant = :tenant and guest_id = any (cast(:ids as text[]))")
                .setParameter("tenant", tenant)
                .setParameter("ids", guestIds.toArray(String[]::new))
                .executeUpdate();
    }

    /** The e-mail of every guest of {@code tenant} that has one, by guest id (an erasure matches their references). */
    public Map<String, String> emailsOf(String tenant) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                        "select guest_id, email from guest_directory where tenant = :tenant and email is not null")
                .setParameter("tenant", tenant)
                .getResultList();
        Map<String, String> emails = new HashMap<>();
        for (Object[] row : rows) {
            emails.put((String) row[0], (String) row[1]);
        }
        return emails;
    }

    /** The guests of {@code tenant} who stayed at one of {@code hotelCodes}, in guest id order. */
    public List<Guest> segment(String tenant, Collection<String> hotelCodes) {
        return read("""
                select guest_id, tenant, email, language, array_to_string(hotel_codes, ','), stay_count, last_stay_departure, total_spend,
                       spend_currency, version, last_event_id, birth_date, last_stay_hotel_code
                from guest_directory where tenant = :tenant and hotel_codes && cast(:codes as text[])
                order by guest_id""", Map.of("tenant", tenant, "codes", hotelCodes.toArray(String[]::new)));
    }

    /**
     * Up to {@code limit} guests after {@code afterGuestId} (guest id order; "" for the first page) that have a hotel
     * and a birth date or a last stay: the occasion planner's pages.
     */
    public List<Guest> occasionPage(String afterGuestId, int limit) {
        return read("""
                select guest_id, tenant, email, language, array_to_string(hotel_codes, ','), stay_count, last_stay_departure, total_spend,
                       spend_currency, version, last_event_id, birth_date, last_stay_hotel_code
                from guest_directory where guest_id > :after and (cardinality(hotel_codes) > 0 or last_stay_hotel_code is not null)
                  and (birth_date is not null or last_stay_departure is not null)
                order by guest_id limit :limit""", Map.of("after", afterGuestId, "limit", limit));
    }

    /** The guests {@code guestIds} still held, by id. */
    public Map<String, Guest> byIds(Collection<String> guestIds) {
        Map<String, Guest> byId = new HashMap<>();
        if (guestIds.isEmpty()) {
            return byId;
        }
        for (Guest guest : read("""
                select guest_id, tenant, email, language, array_to_string(hotel_codes, ','), stay_count, last_stay_departure, total_spend,
                       spend_currency, version, last_event_id, birth_date, last_stay_hotel_code
                from guest_directory where guest_id = any (cast(:ids as text[]))""",
                Map.of("ids", guestIds.toArray(String[]::new)))) {
            byId.put(guest.guestId(), guest);
        }
        return byId;
    }

    private List<Guest> read(String sql, Map<String, Object> parameters) {
        var query = entityManager.createNativeQuery(sql);
        parameters.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<Guest> guests = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            guests.add(new Guest((String) row[0], (String) row[1], (String) row[2], (String) row[3],
                    hotelCodesOf(row[4]), row[5] == null ? 0 : ((Number) row[5]).intValue(), dateOf(row[6]),
                    row[7] == null ? null : new BigDecimal(row[7].toString()), (String) row[8],
                    ((Number) row[9]).longValue(), row[10] == null ? null : UUID.fromString(row[10].toString()),
                    dateOf(row[11]), (String) row[12]));
        }
        return guests;
    }

    private static List<String> hotelCodesOf(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String joined) {
            return java.util.Arrays.stream(joined.split(",")).filter(code -> !code.isBlank()).toList();
        }
        if (value instanceof Object[] array) {
            return java.util.Arrays.stream(array).map(String::valueOf).toList();
        }
        if (value instanceof java.sql.Array sqlArray) {
            try {
                return java.util.Arrays.stream((Object[]) sqlArray.getArray()).map(String::valueOf).toList();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("guest_directory.hotel_codes could not be read", e);
            }
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        throw new IllegalStateException("guest_directory.hotel_codes read as " + value.getClass().getName());
    }

    private static LocalDate dateOf(Object value) {
        return switch (value) {
            case null -> null;
            case LocalDate date -> date;
            case java.sql.Date date -> date.toLocalDate();
            default -> LocalDate.parse(value.toString());
        };
    }
}
