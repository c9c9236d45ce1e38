package org.guestcrm.profile.it;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.profile.config.ProfileConfig;
import org.guestcrm.profile.domain.ContactDemotions;
import org.guestcrm.profile.domain.GoldenRecord;
import org.guestcrm.profile.domain.GoldenRecordComposer;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.IncrementalLinker;
import org.guestcrm.profile.domain.matching.MatchModel;
import org.guestcrm.profile.domain.matching.PersonRecord;
import org.guestcrm.profile.domain.matching.TermFrequencies;
import org.guestcrm.profile.mapping.GuestMapper;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.MatchTermFrequencies;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Writes guests straight into the service's tables with PostgreSQL's COPY, as the intake would have stored them once
 * it had put each given group of profiles into one guest: the source profiles with their match features (the
 * service's own {@link GuestMapper#copyInto} and {@link GuestMapper#computeMatchFeatures}, as the intake computes
 * them), their blocking keys ({@link IncrementalLinker#blockingKeys}, the rows {@code MatchBlocks} looks candidates up
 * in), the links, the golden record composed by the service's composer with its contact points and the fingerprint of
 * what crm.guests would carry (version 1), one match decision per profile, the processed-event rows, and the term
 * frequencies counted up by what was added (one upsert at the end). {@code SeededStoreTest} checks that such a store
 * gives the same candidates and decisions as one built by the intake.
 *
 * <p>Not written: outbox rows (the relay sent them and the retention deleted them), shared contact points (the
 * generator's persons share none), stays.
 */
@ApplicationScoped
public class StoreSeeder {

    private static final int CHUNK = 20_000;

    @Inject
    DataSource dataSource;
    @Inject
    ProfileConfig config;
    @Inject
    ObjectMapper json;

    private final GoldenRecordComposer composer = new GoldenRecordComposer();
    private final EmailEvidence emails = EmailEvidence.standard();

    /** What a seed wrote and how long it took. */
    public record Seeded(int guests, int profiles, long blockRows, long contactPoints, double seconds,
            double javaSeconds) {
    }

    /**
     * Seeds these guests, each the profiles of one person in link order (all of one tenant or several), in
     * transactions of {@value #CHUNK} guests. {@code guestsOf} is asked for the guests one chunk at a time (index
     * from, count), so a million need not be held at once.
     */
    public Seeded seed(int total, java.util.function.BiFunction<Integer, Integer, List<List<GuestProfileChanged>>> guestsOf) {
        long start = System.nanoTime();
        long javaNanos = 0;
        int profiles = 0;
        long blockRows = 0;
        long points = 0;
        Map<String, Map<TermFrequencies.Field, Map<String, Long>>> frequencies = new HashMap<>();
        // The COPY of one chunk (PostgreSQL's work) runs while the next is composed (the JVM's): at most one chunk in
        // flight, so two are held at once (measured alone they took about half each of the time).
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> inFlight = null;
        try {
            for (int from = 0; from < total; from += CHUNK) {
                long javaStart = System.nanoTime();
                Tables tables = new Tables();
                for (List<GuestProfileChanged> guest : guestsOf.apply(from, Math.min(CHUNK, total - from))) {
                    add(tables, guest, frequencies);
                }
                javaNanos += System.nanoTime() - javaStart;
                profiles += tables.profileCount;
                blockRows += tables.blockCount;
                points += tables.pointCount;
                awaitWritten(inFlight);
                inFlight = writer.submit(() -> write(tables));
            }
            awaitWritten(inFlight);
        } finally {
            writer.shutdownNow();
        }
        writeFrequencies(frequencies);
        return new Seeded(total, profiles, blockRows, points, (System.nanoTime() - start) / 1e9, javaNanos / 1e9);
    }

    private static void awaitWritten(java.util.concurrent.Future<?> written) {
        if (written == null) {
            return;
        }
        try {
            written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while a chunk was written", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The COPY text of each table for one chunk. */
    private static final class Tables {
        final StringBuilder sourceProfiles = new StringBuilder();
        final StringBuilder guests = new StringBuilder();
        final StringBuilder links = new StringBuilder();
        final StringBuilder contactPoints = new StringBuilder();
        final StringBuilder decisions = new StringBuilder();
        final StringBuilder blocks = new StringBuilder();
        final StringBuilder processed = new StringBuilder();
        int profileCount;
        long blockCount;
        long pointCount;
    }

    private void add(Tables t, List<GuestProfileChanged> profiles,
            Map<String, Map<TermFrequencies.Field, Map<String, Long>>> frequencies) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<SourceProfileEntity> sources = new ArrayList<>(profiles.size());
        Map<SourceProfileKey, UUID> idsByKey = new HashMap<>();
        GuestEntity guest = new GuestEntity();
        guest.id = UUID.randomUUID();
        guest.tenant = profiles.get(0).getMetadata().getTenantId();
        guest.version = 1;
        guest.createdAt = now;
        guest.updatedAt = now;
        int n = 0;
        for (GuestProfileChanged event : profiles) {
            SourceProfileEntity s = new SourceProfileEntity();
            s.id = UUID.randomUUID();
            s.receivedAt = now;
            GuestMapper.copyInto(event, s);
            GuestMapper.computeMatchFeatures(s, emails);
            sources.add(s);
            idsByKey.put(GuestMapper.keyOf(s), s.id);
            PersonRecord person = GuestMapper.personOf(s);
            TermFrequencies.valuesOf(person).forEach((field, value) -> {
                Map<String, Long> counts = frequencies.computeIfAbsent(s.tenant, k -> new EnumMap<>(TermFrequencies.Field.class))
                        .computeIfAbsent(field, k -> new HashMap<>());
                counts.merge(value, 1L, Long::sum);
                counts.merge(TermFrequencies.TOTAL, 1L, Long::sum);
            });
            for (String key : IncrementalLinker.blockingKeys(person)) {
                row(t.blocks, s.tenant, key, s.id);
                t.blockCount++;
            }
            sourceProfileRow(t.sourceProfiles, s);
            // Linked in order, a microsecond apart: the composer and the look-ups order members by link time.
            Instant linkedAt = now.plus(n, ChronoUnit.MICROS);
            row(t.links, s.id, guest.id, linkedAt);
            boolean first = n == 0;
            row(t.decisions, guest.id, s.id, first ? "NO_MATCH" : "FS_MATCH",
                    first ? "a new guest (seeded)" : "joined the closest guest (seeded)", "AUTOMATIC", linkedAt, s.tenant,
                    "LINKED", null, null, MatchModel.VERSION, null, null, null);
            row(t.processed, config.serviceName(), s.lastEventId, now);
            t.profileCount++;
            n++;
        }
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        GoldenRecord record = composer.compose(sources.stream().map(s -> GuestMapper.toSnapshot(s, config)).toList(),
                ContactDemotions.NONE, today);
        GuestMapper.copyInto(record, guest);
        List<GuestContactPointEntity> points = new ArrayList<>(GuestMapper.contactPointRows(guest, record, idsByKey));
        points.sort(Comparator.comparing((GuestContactPointEntity r) -> r.kind).thenComparing(r -> !r.primary)
                .thenComparing(r -> r.value));
        EventMetadata metadata = EventMetadata.newBuilder().setEventId(UUID.randomUUID())
                .setEventType(GuestUpdated.class.getSimpleName()).setOccurredAt(now).setSource(config.serviceName())
                .setTenantId(guest.tenant).setCorrelationId(guest.id.toString()).setSchemaVersion(1).build();
        GuestUpdated updated = GuestMapper.toGuestUpdated(guest, points, sources, GuestMapper.staySummary(List.of()),
                metadata, config.guestUpdates().maxSourceRefs(), config.guestUpdates().maxContactPoints());
        guest.publishedFingerprint = GuestMapper.visibleFingerprint(updated);
        row(t.guests, guest.id, guest.tenant, guest.title, guest.firstName, guest.lastName, guest.birthDate,
                guest.language, guest.nationality, guest.companyName, guest.version, guest.createdAt, guest.updatedAt,
                jsonOf(guest.fieldSources), guest.publishedFingerprint, jsonOf(guest.preferences),
                NO_STAYS.tier().name(), NO_STAYS.reason());
        for (GuestContactPointEntity p : points) {
            row(t.contactPoints, p.guestId, p.tenant, p.kind.name(), p.value, p.type, p.primary, p.sourceProfileId,
                    p.lastSeenAt, p.sourceTrust, p.notForMarketing, ContactPointRef.of(p.tenant, p.kind.name(), p.value));
            t.pointCount++;
        }
    }

    private void sourceProfileRow(StringBuilder out, SourceProfileEntity s) {
        row(out, s.id, s.tenant, s.pmsSystem, s.pmsProfileId, s.hotelCode, s.changeType, s.mergedIntoPmsProfileId,
                s.profileType, s.title, s.firstName, s.middleName, s.lastName, s.birthDate, s.gender, s.language,
                s.nationality, s.companyName, s.loyaltyProgram, s.loyaltyNumber, jsonOf(s.emails), jsonOf(s.phones),
                s.pmsSequence, s.pmsUpdatedAt, s.occurredAt, s.lastEventId, s.receivedAt, s.postalCode, s.city, s.street,
                s.countryCode, s.documentType, s.documentNumber, s.matchGivenName, s.matchSurname, s.matchBirthDate,
                s.matchPostcode, s.matchCity, s.matchStreet, s.matchEmail, s.matchPhone, s.matchDocument,
                s.matchLoyalty, jsonOf(s.preferences));
    }

    private static final String SOURCE_PROFILE_COLUMNS = "id, tenant, pms_system, pms_profile_id, hotel_code, change_type,"
            + " merged_into_pms_profile_id, profile_type, title, first_name, middle_name, last_name, birth_date, gender,"
            + " language, nationality, company_name, loyalty_program, loyalty_number, emails, phones, pms_sequence,"
            + " pms_updated_at, occurred_at, last_event_id, received_at, postal_code, city, street, country_code,"
            + " document_type, document_number, match_given_name, match_surname, match_birth_date, match_postcode,"
            + " match_city, match_street, match_email, match_phone, match_document, match_loyalty, preferences";

    private void write(Tables t) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("copy source_profile (" + SOURCE_PROFILE_COLUMNS + ") from stdin",
                    new StringReader(t.sourceProfiles.toString()));
            copy.copyIn("copy guest (id, tenant, title, first_name, last_name, birth_date, language, nationality,"
                    + " company_name, version, created_at, updated_at, field_sources, published_fingerprint, preferences,"
                    + " qualification_tier, qualification_reason)"
                    + " from stdin", new StringReader(t.guests.toString()));
            copy.copyIn("copy guest_source_profile (source_profile_id, guest_id, linked_at) from stdin",
                    new StringReader(t.links.toString()));
            copy.copyIn("copy guest_contact_point (guest_id, tenant, kind, value, type, is_primary, source_profile_id,"
                    + " last_seen_at, source_trust, not_for_marketing, ref) from stdin",
                    new StringReader(t.contactPoints.toString()));
            copy.copyIn("copy match_decision (guest_id, source_profile_id, rule, explanation, decided_by, created_at,"
                    + " tenant, status, candidate_guest_id, score, model_version, evidence, decided_at, reviewer)"
                    + " from stdin", new StringReader(t.decisions.toString()));
            copy.copyIn("copy source_profile_block (tenant, block_key, source_profile_id) from stdin",
                    new StringReader(t.blocks.toString()));
            copy.copyIn("copy processed_event (consumer, event_id, processed_at) from stdin",
                    new StringReader(t.processed.toString()));
            connection.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Seeding a chunk failed: " + e.getMessage(), e);
        }
    }

    /** The term frequencies added up into the stored counts (as the intake's upsert does), under the values' hashes. */
    private void writeFrequencies(Map<String, Map<TermFrequencies.Field, Map<String, Long>>> frequencies) {
        StringBuilder rows = new StringBuilder();
        frequencies.forEach((tenant, byField) -> byField.forEach((field, counts) -> counts.forEach((value, count) ->
                row(rows, tenant, field.code(), MatchTermFrequencies.hash(field, value), count))));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("create temporary table seeded_term_frequency (tenant varchar(200), field varchar(1),"
                        + " value_hash varchar(32), count bigint) on commit drop");
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "copy seeded_term_frequency from stdin", new StringReader(rows.toString()));
                statement.executeUpdate("""
                        insert into match_term_frequency (tenant, field, value_hash, count)
                        select tenant, field, value_hash, count from seeded_term_frequency order by 1, 2, 3
                        on conflict (tenant, field, value_hash)
                        do update set count = match_term_frequency.count + excluded.count""");
            }
            connection.commit();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Seeding the term frequencies failed: " + e.getMessage(), e);
        }
    }

    private String jsonOf(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Not serialisable as JSON: " + value.getClass().getSimpleName(), e);
        }
    }

    /** A seeded guest's tier: the seeder writes no stays, and its tenants keep the default rules. */
    private static final org.guestcrm.profile.domain.TierRules.Qualification NO_STAYS =
            org.guestcrm.profile.domain.TierRules.DEFAULT.qualify(org.guestcrm.profile.domain.StaySummary.NONE);

    /** One row in COPY's text format: tab-separated, \N for null, backslash, tab and line breaks escaped. */
    private static void row(StringBuilder out, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            Object v = values[i];
            if (v == null) {
                out.append("\\N");
                continue;
            }
            String s = v instanceof Boolean b ? (b ? "t" : "f") : v.toString();
            // Most values hold nothing to escape: appended whole, up to the first character that needs it.
            int clean = 0;
            while (clean < s.length() && !needsEscape(s.charAt(clean))) {
                clean++;
            }
            out.append(s, 0, clean);
            for (int c = clean; c < s.length(); c++) {
                char ch = s.charAt(c);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(ch);
                }
            }
        }
        out.append('\n');
    }

    private static boolean needsEscape(char ch) {
        return ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r';
    }
}
