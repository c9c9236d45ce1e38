package org.guestcrm.journey.messaging;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.ConsentChanged;
import org.guestcrm.journey.domain.ConsentScope;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Keeps {@code consent_state} as crm.consents says (a compacted topic: the newest record per key is the consent), one
 * state per scope (the record's {@code scope}, else the scope in its key, else the tenant): per batch, the last
 * record of each key is upserted in one JDBC batch, and only over an older effective time, so a
 * late or replayed record never undoes a newer decision.
 */
@ApplicationScoped
public class ConsentChangeHandler implements IntakeHandler<ConsentChanged> {

    static final String CONSUMER = "journey-consents";
    private static final Logger LOG = Logger.getLogger(ConsentChangeHandler.class);

    @Inject
    EntityManager entityManager;

    @Inject
    Clock clock;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ConsentChanged> recordType() {
        return ConsentChanged.class;
    }

    @Override
    public UUID eventIdOf(ConsentChanged event) {
        if (event.getMetadata() == null || event.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ConsentChanged without metadata.eventId");
        }
        String id = " in ConsentChanged " + event.getMetadata().getEventId();
        if (event.getMetadata().getTenantId() == null || event.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("tenantId is required" + id);
        }
        if (event.getContactPoint() == null || event.getContactPoint().isBlank() || event.getContactPoint().length() > 320) {
            throw new PoisonRecordException("contactPoint is required (at most 320 characters)" + id);
        }
        if (event.getChannel() == null || event.getPurpose() == null || event.getStatus() == null
                || event.getEffectiveAt() == null) {
            throw new PoisonRecordException("channel, purpose, status and effectiveAt are required" + id);
        }
        if (ConsentScope.parse(event.getScope()).isEmpty()) {
            throw new PoisonRecordException("scope is not TENANT, HOTEL=<hotelCode> or BRAND=<brand>" + id);
        }
        return event.getMetadata().getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<ConsentChanged>> records) {
        // The last record of each key in offset order is what the key says now (older ones of the batch are superseded).
        Map<String, Scoped> latest = new LinkedHashMap<>();
        for (IntakeRecord<ConsentChanged> record : records) {
            ConsentChanged event = record.value();
            String scope = scopeOf(event, record.key());
            latest.put(event.getMetadata().getTenantId() + '\n' + event.getChannel() + '\n' + event.getPurpose() + '\n'
                    + scope + '\n' + normalised(event.getContactPoint()), new Scoped(event, scope));
        }
        Timestamp now = Timestamp.from(clock.instant());
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("""
                    insert into consent_state (tenant, channel, purpose, contact_point, status, effective_at, event_id,
                                               updated_at, scope, source)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (tenant, channel, contact_point, purpose, scope) do update
                       set status = excluded.status, effective_at = excluded.effective_at,
                           event_id = excluded.event_id, updated_at = excluded.updated_at,
                           source = excluded.source
                     where excluded.effective_at >= consent_state.effective_at""")) {
                for (Scoped scoped : latest.values()) {
                    ConsentChanged event = scoped.event();
                    upsert.setString(1, event.getMetadata().getTenantId());
                    upsert.setString(2, event.getChannel().name());
                    upsert.setString(3, event.getPurpose().name());
                    upsert.setString(4, normalised(event.getContactPoint()));
                    upsert.setString(5, event.getStatus().name());
                    upsert.setTimestamp(6, Timestamp.from(event.getEffectiveAt()));
                    upsert.setObject(7, event.getMetadata().getEventId());
                    upsert.setTimestamp(8, now);
                    upsert.setString(9, scoped.scope());
                    // Where it came from (an unsubscribe link, the preference centre, ...): the KPIs count unsubscribes.
                    upsert.setString(10, event.getSource() == null ? null : event.getSource().name());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
        });
        LOG.debugf("%d ConsentChanged taken in (%d keys).", records.size(), latest.size());
    }

    private record Scoped(ConsentChanged event, String scope) {
    }

    /**
     * Where the record's state holds: its {@code scope} field (validated in {@link #eventIdOf}), else (a producer that
     * wrote none) the scope its key carries, else the tenant.
     */
    static String scopeOf(ConsentChanged event, String key) {
        if (event.getScope() != null && !event.getScope().isBlank()) {
            return ConsentScope.parse(event.getScope()).orElseThrow();
        }
        return ConsentScope.fromKey(key, event.getMetadata().getTenantId(), event.getChannel().name(),
                event.getPurpose().name());
    }

    /** E-mail addresses compare case-insensitively (the topic's key is lower-case already); phones are E.164. */
    public static String normalised(String contactPoint) {
        return contactPoint.strip().toLowerCase(Locale.ROOT);
    }
}
