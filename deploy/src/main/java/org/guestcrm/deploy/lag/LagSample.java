package org.guestcrm.deploy.lag;

import java.time.Instant;

/**
 * One reading of a consumer group on one partition.
 *
 * @param at             when it was read
 * @param committed      the group's committed offset (the next record it will read), -1 when none is committed
 * @param end            the log end offset (the next record to be written)
 * @param consumed       whether a member of the group had the partition assigned at that moment
 * @param nextRecordTime the timestamp of the next unconsumed record (at the committed offset), null when caught up or
 *                       unknown
 */
public record LagSample(Instant at, long committed, long end, boolean consumed, Instant nextRecordTime) {

    /** Records written but not consumed. A group that never committed lags by the whole log, from its start. */
    public long lag() {
        return Math.max(0, end - Math.max(0, committed));
    }

    /** How far behind the consumer is in time: from the next unconsumed record's timestamp to this reading; 0 when caught up. */
    public double secondsBehind() {
        if (lag() == 0 || nextRecordTime == null) {
            return 0;
        }
        return Math.max(0, (at.toEpochMilli() - nextRecordTime.toEpochMilli()) / 1000.0);
    }
}
