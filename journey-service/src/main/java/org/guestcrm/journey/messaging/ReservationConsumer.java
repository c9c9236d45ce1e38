package org.guestcrm.journey.messaging;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.journey.domain.InvalidReservationException;

import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Consumes pms.reservations. Each attempt is its own transaction ({@link ReservationIntake#apply}); a failure is
 * retried a few times (not an invalid snapshot: retrying cannot fix it), then the record goes to
 * pms.reservations.dlq with the reason in its headers. Records that are not valid Avro go there directly.
 */
@ApplicationScoped
public class ReservationConsumer {

    @Inject
    ReservationIntake intake;

    @Incoming("reservations-in")
    @Blocking(ordered = true)
    @Retry(maxRetries = 3, delay = 200, jitter = 100, abortOn = InvalidReservationException.class)
    public void onReservationChanged(ReservationChanged event) {
        intake.apply(event);
    }
}
