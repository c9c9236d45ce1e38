package org.guestcrm.desk.domain;

/** Why a task exists. */
public enum TaskKind {
    /** Call back a new lead. */
    CALL_BACK,
    /** A quote is about to expire without an answer. */
    QUOTE_FOLLOW_UP,
    /** A document the guest must receive was not sent on time, or bounced. */
    LATE_DOCUMENT,
    /** A guest answered the post-stay survey as a detractor (score 0-6) with a comment: call the guest back. */
    SERVICE_RECOVERY
}
