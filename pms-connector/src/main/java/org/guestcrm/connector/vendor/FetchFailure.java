package org.guestcrm.connector.vendor;

/**
 * A fetch that did not give the entity's state. {@code transientFailure}: the PMS may answer later (unreachable,
 * timeout, 408, 429, 5xx, credentials refused while they may be fixed), so it is retried with backoff for as long as it
 * takes; otherwise (the PMS does not know the entity, the state it serves cannot be used) the fetch is recorded as
 * failed with the reason. Reasons name statuses and fields, never values.
 */
public class FetchFailure extends Exception {

    private final boolean transientFailure;
    private final boolean unauthorized;

    public FetchFailure(boolean transientFailure, String reason) {
        this(transientFailure, reason, false);
    }

    /** {@code unauthorized}: the PMS API answered 401 (an OAuth token may be renewed and the call tried again). */
    public FetchFailure(boolean transientFailure, String reason, boolean unauthorized) {
        super(reason, null, false, false);
        this.transientFailure = transientFailure;
        this.unauthorized = unauthorized;
    }

    public boolean unauthorized() {
        return unauthorized;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
