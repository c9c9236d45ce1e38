package org.guestcrm.platform.intake;

import java.util.List;
import java.util.UUID;

/**
 * What a service's consumer gives {@link BatchIntake}: how to read a record's event id and check it, and how to apply
 * a batch of new records in the current transaction.
 *
 * @param <T> the Avro record class of the topic
 */
public interface IntakeHandler<T> {

    /** The consumer name in the processed-event table, e.g. {@code journey-reservations}. */
    String consumer();

    /** The record class, to check what the decoder produced. */
    Class<T> recordType();

    /**
     * The record's event id, after checking whatever makes it impossible to apply; throws
     * {@link PoisonRecordException} (reason without personal data) when it can never be applied.
     */
    UUID eventIdOf(T value);

    /**
     * False for a valid record this consumer has no use for (a topic carries more than it needs, e.g. only bounces
     * matter among crm.communications): it is acknowledged with no database work at all, not even the processed-event
     * row, and counted as {@code ignored}. Decided from the record alone; the default takes everything.
     */
    default boolean wants(T value) {
        return true;
    }

    /**
     * Whether the intake records each applied event id in {@code processed_event} and skips ids it has seen (the
     * default). A handler whose effect is idempotent by itself (every write keyed and guarded by the record's own
     * version, e.g. {@code insert ... on conflict ... do update ... where excluded.version > current.version}) may
     * answer false: no processed-event row is written, and a redelivered record is applied again with no second
     * effect. A record repeated within one batch is still applied once. Answer false only when a test proves the
     * repeat has no effect: a notification, a counter or an outbox event written per apply must keep the default.
     */
    default boolean recordsProcessedEvents() {
        return true;
    }

    /**
     * Keys of a compacted topic whose last record in the batch is a tombstone (the key's values are gone: a guest
     * erased or merged away), after the batch's values are applied, in a transaction of its own that a transient
     * failure retries like the batch. Tombstones carry no event id, so this must be idempotent by itself. The
     * default does nothing.
     */
    default void forget(List<String> keys) {
    }

    /**
     * Applies {@code records} (never seen before by this consumer, in offset order per partition, so per key) in the
     * current transaction: load what they need in bulk, change, and write events to the outbox. Throwing rolls the
     * whole batch back; {@link BatchIntake} then tells a transient failure (retried, as long as it takes) from one
     * record's failure (the batch is retried record by record and only that record is dead-lettered).
     */
    void apply(List<IntakeRecord<T>> records);
}
