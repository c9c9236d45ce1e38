package org.guestcrm.simulator;

/**
 * One event of a Mews General Webhooks message: {@code {"Discriminator": …, "Value": {"Id": …}}}, e.g.
 * {@code ServiceOrderUpdated} (a reservation), {@code CustomerAdded}, {@code CustomerUpdated}.
 */
public record MewsEvent(String discriminator, String id) {
}
