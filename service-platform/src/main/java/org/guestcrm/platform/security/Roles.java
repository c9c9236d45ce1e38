package org.guestcrm.platform.security;

/**
 * The staff roles, carried in the token's {@code groups} claim. Each endpoint names the roles it admits; {@code admin}
 * and {@code ops} are not implied by each other nor imply the others.
 */
public final class Roles {

    /** Reads guests, reservations, consents and communications. */
    public static final String VIEWER = "viewer";
    /** Guest edits, review decisions, opt-outs said at the desk. */
    public static final String AGENT = "agent";
    /** Journeys and campaigns. */
    public static final String MARKETER = "marketer";
    /** Feeds, configuration, the audit trail. */
    public static final String ADMIN = "admin";
    /** Dead letters, replays, lag, metrics. */
    public static final String OPS = "ops";

    private Roles() {
    }
}
