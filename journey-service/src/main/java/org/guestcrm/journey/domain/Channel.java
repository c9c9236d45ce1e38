package org.guestcrm.journey.domain;

/**
 * How a communication reaches the guest. Only {@link #EMAIL} is sent today; SMS is planned (no sender exists yet,
 * so the planner never chooses it).
 */
public enum Channel {
    EMAIL,
    SMS
}
