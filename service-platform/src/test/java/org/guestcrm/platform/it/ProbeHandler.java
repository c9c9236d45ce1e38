package org.guestcrm.platform.it;

import java.util.List;
import java.util.UUID;

import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The test application's consumer: records each applied event in probe_applied. A profile id {@code INVALID} is
 * rejected by the check (a dead letter before any transaction); {@code FAILS} throws inside the batch's transaction,
 * so the batch must be isolated record by record; {@code IGNORED} is not wanted (no database work at all).
 */
@ApplicationScoped
public class ProbeHandler implements IntakeHandler<GuestProfileChanged> {

    /** While true, a profile id {@code FLAKY} fails to apply (a bug); set false to stand for the fix. */
    public static volatile boolean flakyFails = true;

    /** While false, the probe stands for a handler idempotent by itself: the intake writes no processed-event rows. */
    public static volatile boolean recordsProcessed = true;

    @Override
    public boolean recordsProcessedEvents() {
        return recordsProcessed;
    }

    @Inject
    EntityManager entityManager;

    @Override
    public String consumer() {
        return "platform-probe";
    }

    @Override
    public Class<GuestProfileChanged> recordType() {
        return GuestProfileChanged.class;
    }

    @Override
    public UUID eventIdOf(GuestProfileChanged value) {
        if ("INVALID".equals(value.getPmsProfileId())) {
            throw new PoisonRecordException("GuestProfileChanged " + value.getMetadata().getEventId()
                    + ": pmsProfileId is not acceptable");
        }
        return value.getMetadata().getEventId();
    }

    /** A profile id {@code IGNORED} is valid but of no use to the probe: taken with no database work. */
    @Override
    public boolean wants(GuestProfileChanged value) {
        return !"IGNORED".equals(value.getPmsProfileId());
    }

    @Override
    public void apply(List<IntakeRecord<GuestProfileChanged>> records) {
        for (IntakeRecord<GuestProfileChanged> record : records) {
            if ("FLAKY".equals(record.value().getPmsProfileId()) && flakyFails) {
                throw new IllegalStateException("the probe has a bug for this record");
            }
            if ("FAILS".equals(record.value().getPmsProfileId())) {
                throw new IllegalStateException("the probe refuses this record");
            }
            entityManager.createNativeQuery("insert into probe_applied (event_id, record_key) values (?1, ?2)")
                    .setParameter(1, record.eventId())
                    .setParameter(2, record.key())
                    .executeUpdate();
        }
    }
}
