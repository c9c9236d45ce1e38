package org.guestcrm.desk.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * crm.consents (ConsentChanged, compacted, key tenant:channel:purpose[:scope]:contactPoint): the consent ledger's
 * latest state per key, for the desk's consent rate, and the changes (opt-outs: a point that became WITHDRAWN; opt-ins:
 * became GRANTED) per hotel and UTC day. The key names a contact point, so the desk keeps only its SHA-256; no address
 * is stored or logged. A record not newer (effective time, then event time) than the state held changes nothing; a
 * tombstone (the guest erased) deletes the state, the counted changes stay. The hotel is the scope's
 * ({@code HOTEL=<code>}), else the record's hotelCode, else none (the tenant's).
 */
@ApplicationScoped
public class ConsentChangeHandler implements IntakeHandler<ConsentChanged> {

    static final String CONSUMER = "desk-consents";
    private static final Logger LOG = Logger.getLogger(ConsentChangeHandler.class);
    private static final String NO_HOTEL = "";

    @Inject
    DeskClock clock;
    @Inject
    EntityManager entityManager;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ConsentChanged> recordType() {
        return ConsentChanged.class;
    }

    @Override
    public UUID eventIdOf(ConsentChanged value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ConsentChanged without metadata.eventId");
        }
        UUID id = value.getMetadata().getEventId();
        if (value.getMetadata().getTenantId() == null || value.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("ConsentChanged " + id + " lacks tenantId");
        }
        if (value.getEffectiveAt() == null) {
            throw new PoisonRecordException("ConsentChanged " + id + " lacks effectiveAt");
        }
        return id;
    }

    /** What the desk holds of one key. */
    private record Held(String status, Instant effectiveAt, Instant occurredAt) {
    }

    @Override
    public void apply(List<IntakeRecord<ConsentChanged>> records) {
        Instant now = clock.now();
        Map<String, String> hashes = new HashMap<>();
        for (IntakeRecord<ConsentChanged> record : records) {
            hashes.put(keyOf(record), hash(keyOf(record)));
        }
        Map<String, Held> held = new HashMap<>();
        for (Object row : entityManager.createNativeQuery("""
                select key_hash, status, effective_at, occurred_at from consent_point
                where key_hash in (:hashes) order by key_hash for update""")
                .setParameter("hashes", new ArrayList<>(hashes.values())).getResultList()) {
            Object[] r = (Object[]) row;
            held.put((String) r[0], new Held((String) r[1], instant(r[2]), instant(r[3])));
        }
        Map<List<String>, long[]> tally = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        int applied = 0;
        for (IntakeRecord<ConsentChanged> record : records) {
            ConsentChanged consent = record.value();
            String hash = hashes.get(keyOf(record));
            Instant effective = consent.getEffectiveAt();
            Instant occurred = consent.getMetadata().getOccurredAt();
            Held before = held.get(hash);
            if (before != null && !newer(effective, occurred, before)) {
                continue;
            }
            String tenant = consent.getMetadata().getTenantId();
            String hotel = hotelOf(consent);
            String status = consent.getStatus().name();
            entityManager.createNativeQuery("""
                    insert into consent_point (key_hash, tenant, hotel_code, channel, purpose, status, effective_at,
                                               occurred_at, updated_at)
                    values (?1, ?2, nullif(?3, ''), ?4, ?5, ?6, ?7, ?8, ?9)
                    on conflict (key_hash) do update set tenant = excluded.tenant, hotel_code = excluded.hotel_code,
                        channel = excluded.channel, purpose = excluded.purpose, status = excluded.status,
                        effective_at = excluded.effective_at, occurred_at = excluded.occurred_at,
                        updated_at = excluded.updated_at""")
                    .setParameter(1, hash).setParameter(2, tenant).setParameter(3, hotel)
                    .setParameter(4, consent.getChannel().name()).setParameter(5, consent.getPurpose().name())
                    .setParameter(6, status).setParameter(7, effective).setParameter(8, occurred)
                    .setParameter(9, now).executeUpdate();
            held.put(hash, new Held(status, effective, occurred));
            String was = before == null ? null : before.status();
            boolean optOut = consent.getStatus() == ConsentStatus.WITHDRAWN && !status.equals(was);
            boolean optIn = consent.getStatus() == ConsentStatus.GRANTED && !status.equals(was);
            if (optOut || optIn) {
                String day = effective.atZone(ZoneOffset.UTC).toLocalDate().toString();
                long[] counts = tally.computeIfAbsent(List.of(tenant, hotel, day, consent.getChannel().name(),
                        consent.getPurpose().name()), k -> new long[2]);
                counts[optOut ? 0 : 1]++;
            }
            applied++;
        }
        for (Map.Entry<List<String>, long[]> entry : tally.entrySet()) {
            List<String> k = entry.getKey();
            entityManager.createNativeQuery("""
                    insert into consent_tally (tenant, hotel_code, day, channel, purpose, opt_outs, opt_ins)
                    values (?1, ?2, cast(?3 as date), ?4, ?5, ?6, ?7)
                    on conflict (tenant, hotel_code, day, channel, purpose) do update
                    set opt_outs = consent_tally.opt_outs + excluded.opt_outs,
                        opt_ins = consent_tally.opt_ins + excluded.opt_ins""")
                    .setParameter(1, k.get(0)).setParameter(2, k.get(1)).setParameter(3, k.get(2))
                    .setParameter(4, k.get(3)).setParameter(5, k.get(4)).setParameter(6, entry.getValue()[0])
                    .setParameter(7, entry.getValue()[1]).executeUpdate();
        }
        LOG.debugf("Batch of %d consent record(s): %d applied, %d older than the state held.", records.size(), applied,
                records.size() - applied);
    }

    @Override
    public void forget(List<String> keys) {
        List<String> gone = keys.stream().map(ConsentChangeHandler::hash).toList();
        int deleted = entityManager.createNativeQuery("delete from consent_point where key_hash in (:hashes)")
                .setParameter("hashes", gone).executeUpdate();
        LOG.debugf("%d consent key(s) gone from crm.consents (%d held here).", keys.size(), deleted);
    }

    private static boolean newer(Instant effective, Instant occurred, Held held) {
        int byEffect = effective.compareTo(held.effectiveAt());
        return byEffect > 0 || (byEffect == 0 && occurred != null && occurred.isAfter(held.occurredAt()));
    }

    /** The record's key; a record without one (never on this topic) is keyed by its event id. */
    private static String keyOf(IntakeRecord<ConsentChanged> record) {
        return record.key() != null ? record.key() : "event:" + record.eventId();
    }

    static String hotelOf(ConsentChanged consent) {
        String scope = consent.getScope();
        if (scope != null && scope.startsWith("HOTEL=") && scope.length() > 6) {
            return cut(scope.substring(6));
        }
        if (consent.getHotelCode() != null && !consent.getHotelCode().isBlank()) {
            return cut(consent.getHotelCode());
        }
        return NO_HOTEL;
    }

    private static String cut(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass().getName());
    }
}
