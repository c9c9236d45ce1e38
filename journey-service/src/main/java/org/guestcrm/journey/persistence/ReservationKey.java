package org.guestcrm.journey.persistence;

/** What identifies a reservation: tenant, hotel code and the PMS's reservation id. */
public record ReservationKey(String tenant, String hotelCode, String pmsReservationId) {

    public static ReservationKey of(ReservationEntity reservation) {
        return new ReservationKey(reservation.tenant, reservation.hotelCode, reservation.pmsReservationId);
    }

    public static ReservationKey of(CommunicationEntity communication) {
        return new ReservationKey(communication.tenant, communication.hotelCode, communication.pmsReservationId);
    }

    @Override
    public String toString() {
        return tenant + ":" + hotelCode + ":" + pmsReservationId;
    }
}
