package org.guestcrm.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A reservation as the simulated PMS holds it, independent of the vendor contract it is served in. Each vendor face
 * renders it in its own documented shape (apaleo's {@code ReservationModel}, Mews' {@code Reservation}).
 *
 * @param id          the PMS reservation id (apaleo {@code id} such as {@code XPGMSXGF-1}; Mews {@code Id}, a UUID)
 * @param propertyId  apaleo property id (the hotel); Mews serves it as the reservation's enterprise
 * @param customerId  the main guest ({@link SimulatedCustomer#id()}); may be null
 * @param created     creation time; {@code modified} the last change (both set by the simulator when null)
 */
public record SimulatedReservation(String id, String propertyId, String customerId, State state, LocalDate arrival,
                                   LocalDate departure, int adults, int children, BigDecimal totalGrossAmount,
                                   String currency, String channelCode, String ratePlanCode, String unitGroupCode,
                                   Instant created, Instant modified) {

    /** The life cycle of a stay, in words common to both vendors; each maps it to its own states. */
    public enum State {
        /** apaleo has no tentative state (served as Confirmed); Mews {@code Optional}. */
        TENTATIVE,
        CONFIRMED,
        /** apaleo {@code InHouse}, Mews {@code Started}. */
        IN_HOUSE,
        /** apaleo {@code CheckedOut}, Mews {@code Processed}. */
        CHECKED_OUT,
        /** apaleo {@code Canceled}, Mews {@code Canceled}. */
        CANCELED,
        /** apaleo {@code NoShow}; Mews {@code Canceled} with {@code CancellationReason} {@code NoShow}. */
        NO_SHOW
    }

    /** A confirmed booking for one adult with the usual defaults; change it with the {@code with…} methods. */
    public static SimulatedReservation confirmed(String id, String propertyId, String customerId, LocalDate arrival,
                                                 LocalDate departure) {
        return new SimulatedReservation(id, propertyId, customerId, State.CONFIRMED, arrival, departure, 1, 0,
                new BigDecimal("240.00"), "EUR", "Direct", "FLEX", "DBL", null, null);
    }

    public SimulatedReservation withState(State newState) {
        return new SimulatedReservation(id, propertyId, customerId, newState, arrival, departure, adults, children,
                totalGrossAmount, currency, channelCode, ratePlanCode, unitGroupCode, created, modified);
    }

    public SimulatedReservation withStay(LocalDate newArrival, LocalDate newDeparture) {
        return new SimulatedReservation(id, propertyId, customerId, state, newArrival, newDeparture, adults, children,
                totalGrossAmount, currency, channelCode, ratePlanCode, unitGroupCode, created, modified);
    }

    public SimulatedReservation withGuests(int newAdults, int newChildren) {
        return new SimulatedReservation(id, propertyId, customerId, state, arrival, departure, newAdults, newChildren,
                totalGrossAmount, currency, channelCode, ratePlanCode, unitGroupCode, created, modified);
    }

    public SimulatedReservation withAmount(BigDecimal amount, String newCurrency) {
        return new SimulatedReservation(id, propertyId, customerId, state, arrival, departure, adults, children, amount,
                newCurrency, channelCode, ratePlanCode, unitGroupCode, created, modified);
    }

    SimulatedReservation stamped(Instant newCreated, Instant newModified) {
        return new SimulatedReservation(id, propertyId, customerId, state, arrival, departure, adults, children,
                totalGrossAmount, currency, channelCode, ratePlanCode, unitGroupCode, newCreated, newModified);
    }

    /** Same booking content (the times aside): a put of it changes nothing and notifies nobody. */
    boolean sameContent(SimulatedReservation other) {
        return other != null && stamped(null, null).equals(other.stamped(null, null));
    }
}
