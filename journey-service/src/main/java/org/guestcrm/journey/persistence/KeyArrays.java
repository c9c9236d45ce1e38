package org.guestcrm.journey.persistence;

import java.util.Collection;

/** Reservation keys as three parallel arrays, for {@code unnest(tenants, hotels, ids)} in one statement. */
record KeyArrays(String[] tenants, String[] hotels, String[] ids) {

    static KeyArrays of(Collection<ReservationKey> keys) {
        String[] tenants = new String[keys.size()];
        String[] hotels = new String[keys.size()];
        String[] ids = new String[keys.size()];
        int i = 0;
        for (ReservationKey key : keys) {
            tenants[i] = key.tenant();
            hotels[i] = key.hotelCode();
            ids[i] = key.pmsReservationId();
            i++;
        }
        return new KeyArrays(tenants, hotels, ids);
    }
}
