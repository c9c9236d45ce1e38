package org.guestcrm.simulator;

/**
 * One profile write the simulator received and applied: which API ({@code mews} customers/update, {@code generic}
 * PATCH /profiles/v1/profiles/{id}, {@code apaleo} PATCH /booking/v1/reservations/{id}), which customer (for apaleo:
 * the reservation, whose main guest was changed), the caller's {@code Idempotency-Key} header, and the body as sent.
 */
public record ProfileWrite(String api, String customerId, String idempotencyKey, String body) {
}
