package org.guestcrm.connector.domain;

import java.time.LocalDate;

/** A service booked with the stay (breakfast, parking ...). */
public record ExtraService(String code, String name, int quantity, LocalDate serviceDate, Amount amount) {
}
