package org.guestcrm.journey.settings;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.guestcrm.journey.config.JourneyConfig;
import org.guestcrm.journey.domain.JourneyOverride;
import org.guestcrm.journey.domain.JourneySchedule;
import org.guestcrm.journey.domain.NoShowCutoff;
import org.guestcrm.journey.domain.QuietHours;
import org.guestcrm.platform.intake.Failures;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The journey settings that hold for a hotel: its own (set through the API, {@code journey_setting}) over its
 * tenant's (API) over the properties ({@link JourneyConfig}: the hotel's, the tenant's, the defaults). Read by every
 * planner (intake, dispatcher, no-show sweep) for newly planned messages. The table is held in memory, read again every
 * {@code journey.settings.reload-every} (10s: other replicas' changes) and at once after a change on this replica.
 */
@ApplicationScoped
public class JourneySettings {

    private static final Logger LOG = Logger.getLogger(JourneySettings.class);

    private record Key(String tenant, String hotelCode) {
    }

    /** The stored override of a tenant (hotel code null) or hotel, with who changed it and when. */
    public record Stored(JourneyOverride override, String updatedBy, Instant updatedAt) {
    }

    @Inject
    JourneyConfig config;
    @Inject
    EntityManager entityManager;
    @Inject
    ObjectMapper json;

    private volatile Map<Key, Stored> overrides = Map.of();

    void load(@Observes StartupEvent start) {
        reload();
    }

    @Scheduled(every = "${journey.settings.reload-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void reloadDue() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.warnf("Journey settings could not be read again (%s); the ones held stay in use.",
                    Failures.describe(e));
        }
    }

    /** Reads the table again (its own transaction). */
    public void reload() {
        overrides = QuarkusTransaction.requiringNew().call(this::readAll);
    }

    private Map<Key, Stored> readAll() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "SELECT tenant, hotel_code, cast(settings AS text), updated_by, updated_at FROM journey_setting")
                .getResultList();
        Map<Key, Stored> read = new HashMap<>();
        for (Object[] row : rows) {
            try {
                read.put(new Key((String) row[0], (String) row[1]), new Stored(
                        JourneyOverride.read(json.readValue((String) row[2], Map.class)), (String) row[3],
                        row[4] instanceof java.time.OffsetDateTime at ? at.toInstant() : (Instant) row[4]));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                // Written validated; a row edited by hand that no longer reads is left out, named without its content.
                LOG.warnf("Journey settings of tenant %s hotel '%s' cannot be read; the inherited ones hold.",
                        row[0], row[1]);
            }
        }
        return Map.copyOf(read);
    }

    /** The stored override of {@code tenant} (hotel code null: the tenant's own), if any. */
    public Optional<Stored> stored(String tenant, String hotelCode) {
        return Optional.ofNullable(overrides.get(new Key(tenant, hotelCode == null ? "" : hotelCode)));
    }

    /**
     * Stores {@code override} as the tenant's (hotel code null) or hotel's own settings, replacing what was stored, in
     * the caller's transaction; the cache is read again after the commit by the caller ({@link #reload}).
     */
    public void store(String tenant, String hotelCode, JourneyOverride override, String updatedBy, Instant now) {
        try {
            entityManager.createNativeQuery("""
                            INSERT INTO journey_setting (tenant, hotel_code, settings, updated_by, updated_at)
                            VALUES (:tenant, :hotel, cast(:settings AS jsonb), :by, :now)
                            ON CONFLICT (tenant, hotel_code) DO UPDATE
                            SET settings = excluded.settings, updated_by = excluded.updated_by,
                                updated_at = excluded.updated_at""")
                    .setParameter("tenant", tenant)
                    .setParameter("hotel", hotelCode == null ? "" : hotelCode)
                    .setParameter("settings", json.writeValueAsString(override.toJson()))
                    .setParameter("by", updatedBy)
                    .setParameter("now", now)
                    .executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Journey settings could not be written as JSON", e);
        }
    }

    private JourneyOverride tenantOverride(String tenant) {
        Stored stored = overrides.get(new Key(tenant, ""));
        return stored == null ? JourneyOverride.NONE : stored.override();
    }

    private JourneyOverride hotelOverride(String tenant, String hotelCode) {
        Stored stored = hotelCode == null ? null : overrides.get(new Key(tenant, hotelCode));
        return stored == null ? JourneyOverride.NONE : stored.override();
    }

    /** The schedule of {@code hotelCode}'s journeys: the hotel's settings over the tenant's over the properties. */
    public JourneySchedule scheduleOf(String tenant, String hotelCode) {
        return hotelOverride(tenant, hotelCode).over(tenantOverride(tenant).over(config.schedule()));
    }

    /** The hotel's quiet hours: set through the API for the hotel, else for the tenant, else the properties'. */
    public QuietHours quietHoursOf(String tenant, String hotelCode) {
        String own = firstSet(hotelOverride(tenant, hotelCode).quietHours(), tenantOverride(tenant).quietHours());
        return own != null ? QuietHours.parse(own) : config.quietHoursOf(tenant, hotelCode);
    }

    /** The hotel's no-show cut-off: through the API for the hotel, else for the tenant, else the properties'. */
    public Optional<NoShowCutoff> noShowCutoffOf(String tenant, String hotelCode) {
        String own = firstSet(hotelOverride(tenant, hotelCode).noShowCutoff(), tenantOverride(tenant).noShowCutoff());
        return own != null ? NoShowCutoff.parse(own) : config.noShowCutoffOf(tenant, hotelCode);
    }

    /**
     * The languages a message falls back to when the guest's has no template (or the guest has none), most specific
     * first: the hotel's default language, then the tenant's (each set through the API); English comes after them.
     */
    public java.util.List<String> defaultLanguagesOf(String tenant, String hotelCode) {
        java.util.List<String> languages = new java.util.ArrayList<>(2);
        String hotel = hotelOverride(tenant, hotelCode).language();
        String own = tenantOverride(tenant).language();
        if (hotel != null) {
            languages.add(hotel);
        }
        if (own != null && !own.equals(hotel)) {
            languages.add(own);
        }
        return languages;
    }

    /** The default language of {@code hotelCode}'s messages (hotel's, else tenant's); null for English. */
    public String defaultLanguageOf(String tenant, String hotelCode) {
        var languages = defaultLanguagesOf(tenant, hotelCode);
        return languages.isEmpty() ? null : languages.getFirst();
    }

    /** Whether any hotel may have a no-show cut-off (else the sweep has nothing to do). */
    public boolean anyNoShowCutoff() {
        return config.anyNoShowCutoff() || overrides.values().stream()
                .anyMatch(stored -> stored.override().noShowCutoff() != null
                        && !"none".equals(stored.override().noShowCutoff()));
    }

    private static String firstSet(String hotel, String tenant) {
        return hotel != null ? hotel : tenant;
    }
}
