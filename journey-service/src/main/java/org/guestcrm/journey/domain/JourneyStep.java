package org.guestcrm.journey.domain;

/** The communications of a guest's journey around one reservation, at most one of each per reservation. */
public enum JourneyStep {
    /** Right after the reservation is first seen in a booking status. */
    CONFIRMATION,
    /** Some days before arrival: what to expect, how to get there. */
    PRE_STAY,
    /** The day before arrival: online check-in. */
    PRE_CHECK_IN,
    /** The day after arrival, for stays long enough to ask how it is going. */
    IN_STAY,
    /** The day after departure: how was it. */
    POST_STAY_SURVEY,
    /** The morning after a missed arrival the PMS reported as a no-show: we missed you, how to rebook or reach us. */
    NO_SHOW,
    /**
     * A notice that a booked reservation changed in a way the guest cares about (dates, room type, rate plan, number of
     * guests): transactional, at most one per reservation version; a burst of changes within the notice window is one
     * notice of the latest state. Planned by {@link NoticePlanner}, never by the journey's schedule.
     */
    MODIFICATION,
    /** A notice that a booked reservation was cancelled: transactional, at most one per reservation version. */
    CANCELLATION,
    /**
     * A campaign message (marketing): one per (campaign, guest), planned by a campaign's launch, never by a
     * reservation's journey; needs GRANTED marketing consent.
     */
    CAMPAIGN,
    /**
     * Marketing to a guest who has not stayed since: an offset (default 6 months) after their last departure, once per
     * last stay. Planned from the guest directory ({@link Occasions}), keyed by guest; needs GRANTED marketing consent.
     */
    WIN_BACK,
    /** Marketing on the guest's birthday (birth date from crm.guests, the hotel's zone), once a year. */
    BIRTHDAY,
    /** Marketing on the anniversary of the guest's last stay (its departure), once a year. */
    STAY_ANNIVERSARY
}
