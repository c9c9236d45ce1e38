package org.guestcrm.connector.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An amount as the PMS sent it. {@code currency} is null when the PMS did not say; the feed's
 * default currency is applied when the event is built.
 */
public record Amount(BigDecimal value, String currency) {
    public Amount {
        Objects.requireNonNull(value, "value");
    }

    public Amount plus(Amount other) {
        String mergedCurrency = currency != null ? currency : other.currency;
        return new Amount(value.add(other.value), mergedCurrency);
    }
}
