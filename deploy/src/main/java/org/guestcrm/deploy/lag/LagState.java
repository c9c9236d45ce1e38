package org.guestcrm.deploy.lag;

/**
 * How a consumer is doing on a partition (or, taking the worst partition, on a topic or a whole group), judged the way
 * Burrow judges it: over a sliding window of samples, never by one threshold.
 */
public enum LagState {
    /** Caught up at some point in the window, or keeping pace (lag not growing). */
    OK,
    /** Committing, but lag grew across the whole window: falling behind. */
    WARNING,
    /** Members are assigned, lag is above zero, and the committed offset did not move across the window. */
    STALLED,
    /** Lag above zero and no member of the group consumes the partition: nobody will catch up. */
    STOPPED,
    /** The offsets could not be read, or the committed offset moved backwards (a reset, or lost offsets). */
    ERROR;

    /** The worse of two states (the order above, from best to worst). */
    public LagState worse(LagState other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** The value of the {@code guestcrm_consumer_lag_state} gauge: 0 OK ... 4 ERROR. */
    public int code() {
        return ordinal();
    }
}
