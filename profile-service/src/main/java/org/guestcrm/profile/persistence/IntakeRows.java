package org.guestcrm.profile.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

import org.hibernate.Session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The rows an intake batch creates, written with plain JDBC: one multi-row {@code insert ... select from unnest(...)}
 * per table and batch (new source profiles, new guests in their final, recomposed state, their links, the match
 * decisions), on the transaction's own connection. The objects are never handed to Hibernate: no persistence-context
 * entry, no dirty check, no JDBC batch of 100 rows each, and a new guest is one insert instead of an insert and an
 * update. JSON columns are written as text and cast to jsonb (structurally what Hibernate's mapping writes and reads).
 */
@ApplicationScoped
public class IntakeRows {

    @Inject
    EntityManager entityManager;
    @Inject
    ObjectMapper json;

    /** One column: its name, its SQL type (the array cast) and how it is read from the object. */
    private record Column<T>(String name, String type, Function<T, Object> value) {
    }

    private static <T> Column<T> col(String name, String type, Function<T, Object> value) {
        return new Column<>(name, type, value);
    }

    private static final List<Column<SourceProfileEntity>> SOURCE_PROFILE = List.of(
            col("id", "uuid", s -> s.id), col("tenant", "text", s -> s.tenant),
            col("pms_system", "text", s -> s.pmsSystem), col("pms_profile_id", "text", s -> s.pmsProfileId),
            col("hotel_code", "text", s -> s.hotelCode), col("change_type", "text", s -> s.changeType),
            col("merged_into_pms_profile_id", "text", s -> s.mergedIntoPmsProfileId),
            col("profile_type", "text", s -> s.profileType), col("title", "text", s -> s.title),
            col("first_name", "text", s -> s.firstName), col("middle_name", "text", s -> s.middleName),
            col("last_name", "text", s -> s.lastName), col("birth_date", "date", s -> s.birthDate),
            col("gender", "text", s -> s.gender), col("language", "text", s -> s.language),
            col("nationality", "text", s -> s.nationality), col("company_name", "text", s -> s.companyName),
            col("loyalty_program", "text", s -> s.loyaltyProgram), col("loyalty_number", "text", s -> s.loyaltyNumber),
            col("emails", "jsonb", s -> new Json(s.emails)), col("phones", "jsonb", s -> new Json(s.phones)),
            col("pms_sequence", "bigint", s -> s.pmsSequence), col("pms_updated_at", "timestamptz", s -> s.pmsUpdatedAt),
            col("occurred_at", "timestamptz", s -> s.occurredAt), col("last_event_id", "uuid", s -> s.lastEventId),
            col("received_at", "timestamptz", s -> s.receivedAt), col("postal_code", "text", s -> s.postalCode),
            col("city", "text", s -> s.city), col("street", "text", s -> s.street),
            col("country_code", "text", s -> s.countryCode), col("document_type", "text", s -> s.documentType),
            col("document_number", "text", s -> s.documentNumber),
            col("match_given_name", "text", s -> s.matchGivenName), col("match_surname", "text", s -> s.matchSurname),
            col("match_birth_date", "text", s -> s.matchBirthDate), col("match_postcode", "text", s -> s.matchPostcode),
            col("match_city", "text", s -> s.matchCity), col("match_street", "text", s -> s.matchStreet),
            col("match_email", "text", s -> s.matchEmail), col("match_phone", "text", s -> s.matchPhone),
            col("match_document", "text", s -> s.matchDocument), col("match_loyalty", "text", s -> s.matchLoyalty),
            col("preferences", "jsonb", s -> new Json(s.preferences)));

    private static final List<Column<GuestEntity>> GUEST = List.of(
            col("id", "uuid", g -> g.id), col("tenant", "text", g -> g.tenant), col("title", "text", g -> g.title),
            col("first_name", "text", g -> g.firstName), col("last_name", "text", g -> g.lastName),
            col("birth_date", "date", g -> g.birthDate), col("language", "text", g -> g.language),
            col("nationality", "text", g -> g.nationality), col("company_name", "text", g -> g.companyName),
            col("version", "bigint", g -> g.version), col("field_sources", "jsonb", g -> new Json(g.fieldSources)),
            col("preferences", "jsonb", g -> new Json(g.preferences)),
            col("qualification_tier", "text", g -> g.qualificationTier),
            col("qualification_reason", "text", g -> g.qualificationReason),
            col("published_fingerprint", "text", g -> g.publishedFingerprint),
            col("merged_into", "uuid", g -> g.mergedInto), col("erased_at", "timestamptz", g -> g.erasedAt),
            col("created_at", "timestamptz", g -> g.createdAt), col("updated_at", "timestamptz", g -> g.updatedAt));

    private static final List<Column<GuestSourceProfileEntity>> LINK = List.of(
            col("source_profile_id", "uuid", l -> l.sourceProfileId), col("guest_id", "uuid", l -> l.guestId),
            col("linked_at", "timestamptz", l -> l.linkedAt));

    /** The id comes from the column's default ({@code nextval('match_decision_id_seq')}, V10), one per row. */
    private static final List<Column<MatchDecisionEntity>> DECISION = List.of(
            col("guest_id", "uuid", d -> d.guestId), col("source_profile_id", "uuid", d -> d.sourceProfileId),
            col("rule", "text", d -> d.rule), col("explanation", "text", d -> d.explanation),
            col("decided_by", "text", d -> d.decidedBy), col("created_at", "timestamptz", d -> d.createdAt),
            col("tenant", "text", d -> d.tenant), col("status", "text", d -> d.status),
            col("candidate_guest_id", "uuid", d -> d.candidateGuestId), col("score", "float8", d -> d.score),
            col("model_version", "text", d -> d.modelVersion), col("evidence", "jsonb", d -> new Json(d.evidence)),
            col("decided_at", "timestamptz", d -> d.decidedAt), col("reviewer", "text", d -> d.reviewer));

    /** The id from the column's default (V10); {@code ref} as the entity computes it on insert (V19). */
    private static final List<Column<GuestContactPointEntity>> CONTACT_POINT = List.of(
            col("guest_id", "uuid", p -> p.guestId), col("tenant", "text", p -> p.tenant),
            col("kind", "text", p -> p.kind.name()), col("value", "text", p -> p.value), col("type", "text", p -> p.type),
            col("is_primary", "boolean", p -> p.primary), col("source_profile_id", "uuid", p -> p.sourceProfileId),
            col("last_seen_at", "timestamptz", p -> p.lastSeenAt), col("source_trust", "text", p -> p.sourceTrust),
            col("not_for_marketing", "text", p -> p.notForMarketing),
            col("ref", "text", p -> org.guestcrm.platform.domain.ContactPointRef.of(p.tenant, p.kind.name(), p.value)));

    /** A value written as JSON text (null stays SQL null). */
    private record Json(Object value) {
    }

    /**
     * Inserts the batch's new rows, one statement per table that has any (source profiles, guests, links, decisions,
     * contact points, in that order; the references between them are checked at commit anyway, V18).
     */
    public void insert(Collection<SourceProfileEntity> sources, Collection<GuestEntity> guests,
            Collection<GuestSourceProfileEntity> links, Collection<MatchDecisionEntity> decisions,
            Collection<GuestContactPointEntity> contactPoints) {
        if (sources.isEmpty() && guests.isEmpty() && links.isEmpty() && decisions.isEmpty() && contactPoints.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            insert(connection, "source_profile", SOURCE_PROFILE, sources);
            insert(connection, "guest", GUEST, guests);
            insert(connection, "guest_source_profile", LINK, links);
            insert(connection, "match_decision", DECISION, decisions);
            insert(connection, "guest_contact_point", CONTACT_POINT, contactPoints);
        });
    }

    private <T> void insert(Connection connection, String table, List<Column<T>> columns, Collection<T> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder names = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        for (Column<T> column : columns) {
            names.append(names.isEmpty() ? "" : ", ").append(column.name());
            arrays.append(arrays.isEmpty() ? "" : ", ").append("?::").append(column.type()).append("[]");
        }
        List<Array> bound = new ArrayList<>(columns.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into " + table + " (" + names + ") select * from unnest(" + arrays + ")")) {
            int i = 1;
            for (Column<T> column : columns) {
                String[] values = new String[rows.size()];
                int r = 0;
                for (T row : rows) {
                    values[r++] = text(column.value().apply(row));
                }
                Array array = connection.createArrayOf("text", values);
                bound.add(array);
                insert.setArray(i++, array);
            }
            int inserted = insert.executeUpdate();
            if (inserted != rows.size()) {
                throw new IllegalStateException(table + ": " + inserted + " of " + rows.size() + " rows inserted");
            }
        } finally {
            for (Array array : bound) {
                array.free();
            }
        }
    }

    /**
     * Source profiles by id, read with one query into objects Hibernate does not manage (read-only: the intake reads the
     * other members of the guests it recomposes, never changes them).
     */
    public java.util.Map<java.util.UUID, SourceProfileEntity> sourceProfiles(Collection<java.util.UUID> ids) {
        java.util.Map<java.util.UUID, SourceProfileEntity> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array array = connection.createArrayOf("uuid", ids.stream().distinct().toArray());
            StringBuilder names = new StringBuilder();
            SOURCE_PROFILE.forEach(c -> names.append(names.isEmpty() ? "" : ", ").append(c.name()));
            try (PreparedStatement query = connection.prepareStatement(
                    "select " + names + " from source_profile where id = any(?)")) {
                query.setArray(1, array);
                try (java.sql.ResultSet r = query.executeQuery()) {
                    while (r.next()) {
                        SourceProfileEntity s = sourceProfileOf(r);
                        out.put(s.id, s);
                    }
                }
            } finally {
                array.free();
            }
        });
        return out;
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<List<StoredContact>> CONTACTS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };
    private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>> STRINGS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    /** One row in {@link #SOURCE_PROFILE}'s column order. */
    private SourceProfileEntity sourceProfileOf(java.sql.ResultSet r) throws SQLException {
        SourceProfileEntity s = new SourceProfileEntity();
        int i = 1;
        s.id = r.getObject(i++, java.util.UUID.class);
        s.tenant = r.getString(i++);
        s.pmsSystem = r.getString(i++);
        s.pmsProfileId = r.getString(i++);
        s.hotelCode = r.getString(i++);
        s.changeType = r.getString(i++);
        s.mergedIntoPmsProfileId = r.getString(i++);
        s.profileType = r.getString(i++);
        s.title = r.getString(i++);
        s.firstName = r.getString(i++);
        s.middleName = r.getString(i++);
        s.lastName = r.getString(i++);
        s.birthDate = r.getObject(i++, java.time.LocalDate.class);
        s.gender = r.getString(i++);
        s.language = r.getString(i++);
        s.nationality = r.getString(i++);
        s.companyName = r.getString(i++);
        s.loyaltyProgram = r.getString(i++);
        s.loyaltyNumber = r.getString(i++);
        s.emails = new ArrayList<>(read(r.getString(i++), CONTACTS, List.of()));
        s.phones = new ArrayList<>(read(r.getString(i++), CONTACTS, List.of()));
        long sequence = r.getLong(i++);
        s.pmsSequence = r.wasNull() ? null : sequence;
        s.pmsUpdatedAt = instant(r, i++);
        s.occurredAt = instant(r, i++);
        s.lastEventId = r.getObject(i++, java.util.UUID.class);
        s.receivedAt = instant(r, i++);
        s.postalCode = r.getString(i++);
        s.city = r.getString(i++);
        s.street = r.getString(i++);
        s.countryCode = r.getString(i++);
        s.documentType = r.getString(i++);
        s.documentNumber = r.getString(i++);
        s.matchGivenName = r.getString(i++);
        s.matchSurname = r.getString(i++);
        s.matchBirthDate = r.getString(i++);
        s.matchPostcode = r.getString(i++);
        s.matchCity = r.getString(i++);
        s.matchStreet = r.getString(i++);
        s.matchEmail = r.getString(i++);
        s.matchPhone = r.getString(i++);
        s.matchDocument = r.getString(i++);
        s.matchLoyalty = r.getString(i++);
        s.preferences = read(r.getString(i++), STRINGS, new java.util.TreeMap<>());
        return s;
    }

    /** A stored guest read for recomposition, and its state as read (to write it only if the recomposition changed it). */
    public record StoredGuest(GuestEntity guest, List<Object> asRead) {
    }

    private static final String GUEST_READ = "id, tenant, title, first_name, last_name, birth_date, language, nationality,"
            + " company_name, version, field_sources, preferences, qualification_tier, qualification_reason,"
            + " published_fingerprint, merged_into, erased_at, created_at, updated_at";

    /** The columns a recomposition changes (the others: id, tenant, merged_into, erased_at, created_at, stay as read). */
    private static List<Object> recomposedState(GuestEntity g) {
        return java.util.Arrays.asList(g.title, g.firstName, g.lastName, g.birthDate, g.language, g.nationality,
                g.companyName, g.version, g.fieldSources == null ? null : new java.util.HashMap<>(g.fieldSources),
                g.preferences == null ? null : new java.util.HashMap<>(g.preferences), g.qualificationTier,
                g.qualificationReason, g.publishedFingerprint, g.updatedAt);
    }

    /** Guests by id (their rows locked by the caller), one query, into objects Hibernate does not manage. */
    public java.util.Map<java.util.UUID, StoredGuest> guests(Collection<java.util.UUID> ids) {
        java.util.Map<java.util.UUID, StoredGuest> out = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            Array array = connection.createArrayOf("uuid", ids.stream().distinct().toArray());
            try (PreparedStatement query = connection.prepareStatement(
                    "select " + GUEST_READ + " from guest where id = any(?)")) {
                query.setArray(1, array);
                try (java.sql.ResultSet r = query.executeQuery()) {
                    while (r.next()) {
                        GuestEntity g = new GuestEntity();
                        int i = 1;
                        g.id = r.getObject(i++, java.util.UUID.class);
                        g.tenant = r.getString(i++);
                        g.title = r.getString(i++);
                        g.firstName = r.getString(i++);
                        g.lastName = r.getString(i++);
                        g.birthDate = r.getObject(i++, java.time.LocalDate.class);
                        g.language = r.getString(i++);
                        g.nationality = r.getString(i++);
                        g.companyName = r.getString(i++);
                        g.version = r.getLong(i++);
                        g.fieldSources = read(r.getString(i++), STRINGS, null);
                        g.preferences = read(r.getString(i++), STRINGS, null);
                        g.qualificationTier = r.getString(i++);
                        g.qualificationReason = r.getString(i++);
                        g.publishedFingerprint = r.getString(i++);
                        g.mergedInto = r.getObject(i++, java.util.UUID.class);
                        g.erasedAt = instant(r, i++);
                        g.createdAt = instant(r, i++);
                        g.updatedAt = instant(r, i++);
                        out.put(g.id, new StoredGuest(g, recomposedState(g)));
                    }
                }
            } finally {
                array.free();
            }
        });
        return out;
    }

    private static final List<Column<GuestEntity>> GUEST_UPDATE = GUEST.stream()
            .filter(c -> !List.of("tenant", "merged_into", "erased_at", "created_at").contains(c.name())).toList();

    /**
     * Writes the stored guests whose recomposed columns changed since they were read (one {@code update ... from unnest}
     * statement; none when nothing changed). Returns how many were written.
     */
    public int update(Collection<StoredGuest> guests) {
        List<GuestEntity> changed = guests.stream().filter(g -> !recomposedState(g.guest()).equals(g.asRead()))
                .map(StoredGuest::guest).toList();
        if (changed.isEmpty()) {
            return 0;
        }
        StringBuilder arrays = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder sets = new StringBuilder();
        for (Column<GuestEntity> column : GUEST_UPDATE) {
            arrays.append(arrays.isEmpty() ? "" : ", ").append("?::").append(column.type()).append("[]");
            names.append(names.isEmpty() ? "" : ", ").append(column.name());
            if (!column.name().equals("id")) {
                sets.append(sets.isEmpty() ? "" : ", ").append(column.name()).append(" = v.").append(column.name());
            }
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            List<Array> bound = new ArrayList<>();
            try (PreparedStatement update = connection.prepareStatement("update guest set " + sets + " from unnest("
                    + arrays + ") as v (" + names + ") where guest.id = v.id")) {
                int i = 1;
                for (Column<GuestEntity> column : GUEST_UPDATE) {
                    String[] values = new String[changed.size()];
                    int r = 0;
                    for (GuestEntity g : changed) {
                        values[r++] = text(column.value().apply(g));
                    }
                    Array array = connection.createArrayOf("text", values);
                    bound.add(array);
                    update.setArray(i++, array);
                }
                int updated = update.executeUpdate();
                if (updated != changed.size()) {
                    throw new IllegalStateException("guest: " + updated + " of " + changed.size() + " rows updated");
                }
            } finally {
                for (Array array : bound) {
                    array.free();
                }
            }
        });
        return changed.size();
    }

    private static java.time.Instant instant(java.sql.ResultSet r, int column) throws SQLException {
        java.sql.Timestamp at = r.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private <T> T read(String text, com.fasterxml.jackson.core.type.TypeReference<T> type, T whenNull) {
        if (text == null) {
            return whenNull;
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON column could not be read", e);
        }
    }

    private String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Json j) {
            if (j.value() == null) {
                return null;
            }
            try {
                return json.writeValueAsString(j.value());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("A JSON column could not be written", e);
            }
        }
        return value.toString();
    }
}
