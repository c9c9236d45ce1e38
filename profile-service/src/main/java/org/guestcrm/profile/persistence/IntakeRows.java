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

    /** A value written as JSON text (null stays SQL null). */
    private record Json(Object value) {
    }

    /**
     * Inserts the batch's new rows, one statement per table that has any (source profiles, guests, links, decisions,
     * in that order; the references between them are checked at commit anyway, V18).
     */
    public void insert(Collection<SourceProfileEntity> sources, Collection<GuestEntity> guests,
            Collection<GuestSourceProfileEntity> links, Collection<MatchDecisionEntity> decisions) {
        if (sources.isEmpty() && guests.isEmpty() && links.isEmpty() && decisions.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            insert(connection, "source_profile", SOURCE_PROFILE, sources);
            insert(connection, "guest", GUEST, guests);
            insert(connection, "guest_source_profile", LINK, links);
            insert(connection, "match_decision", DECISION, decisions);
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
