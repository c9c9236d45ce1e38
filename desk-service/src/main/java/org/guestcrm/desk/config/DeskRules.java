package org.guestcrm.desk.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.guestcrm.desk.domain.DeskRule;
import org.guestcrm.desk.domain.DocumentDuty;
import org.guestcrm.desk.domain.DocumentKind;
import org.guestcrm.desk.domain.WorkingHours;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The desk rule of a hotel: its own keys ({@code "<tenant>:<hotel>"}, else {@code <hotel>}) over the defaults. */
@ApplicationScoped
public class DeskRules {

    @Inject
    DeskConfig config;
    @Inject
    org.guestcrm.desk.persistence.StoredHotelRules stored;

    /** The documents the hotel's booked reservations owe, with their rules. */
    public List<DocumentDuty> documents(String tenant, String hotelCode) {
        DeskConfig.HotelRule hotel = hotel(tenant, hotelCode);
        Set<DocumentKind> kinds = hotel != null && hotel.documents().isPresent() ? hotel.documents().get()
                : config.defaults().documents();
        List<DocumentDuty> duties = new ArrayList<>();
        for (DocumentKind kind : DocumentKind.values()) {
            if (kinds.contains(kind)) {
                duties.add(duty(kind));
            }
        }
        return duties;
    }

    /** The owed document a journey step delivers at this hotel, if any. */
    public Optional<DocumentDuty> documentOfStep(String tenant, String hotelCode, String step) {
        return documents(tenant, hotelCode).stream().filter(d -> d.step().equals(step)).findFirst();
    }

    private DocumentDuty duty(DocumentKind kind) {
        DeskConfig.DocumentRule rule = switch (kind) {
            case CONFIRMATION -> config.documents().confirmation();
            case PRE_ARRIVAL -> config.documents().preArrival();
            case ONLINE_CHECK_IN -> config.documents().onlineCheckIn();
            case INVOICE -> config.documents().invoice();
        };
        return new DocumentDuty(kind, rule.step(), rule.afterBooking().orElse(null), rule.daysFromArrival().orElse(null),
                rule.daysFromDeparture().orElse(null), rule.at());
    }

    private DeskConfig.HotelRule hotel(String tenant, String hotelCode) {
        DeskConfig.HotelRule own = config.hotels().get(tenant + ":" + hotelCode);
        return own != null ? own : config.hotels().get(hotelCode);
    }

    public DeskRule of(String tenant, String hotelCode) {
        return stored.of(tenant, hotelCode).map(s -> over(configured(tenant, hotelCode), s))
                .orElseGet(() -> configured(tenant, hotelCode));
    }

    /** The rule from the configuration alone: the hotel's keys over the defaults (what a stored rule falls back to). */
    public DeskRule configured(String tenant, String hotelCode) {
        DeskConfig.Rule base = config.defaults();
        DeskConfig.HotelRule hotel = hotel(tenant, hotelCode);
        return new DeskRule(new WorkingHours(
                hotel != null && hotel.zone().isPresent() ? hotel.zone().get() : base.zone(),
                hotel != null && hotel.opens().isPresent() ? hotel.opens().get() : base.opens(),
                hotel != null && hotel.closes().isPresent() ? hotel.closes().get() : base.closes(),
                hotel != null && hotel.days().isPresent() ? hotel.days().get() : base.days()),
                hotel != null && hotel.callBackWithin().isPresent() ? hotel.callBackWithin().get() : base.callBackWithin(),
                hotel != null && hotel.team().isPresent() ? hotel.team().get() : base.team(),
                hotel != null && hotel.retryAfter().isPresent() ? hotel.retryAfter().get() : base.retryAfter(),
                hotel != null && hotel.maxAttempts().isPresent() ? hotel.maxAttempts().get() : base.maxAttempts());
    }

    /** The stored rule's keys over the configured rule (a stored rule that breaks the hours is refused when set). */
    public static DeskRule over(DeskRule rule, org.guestcrm.desk.persistence.StoredHotelRules.StoredRule s) {
        WorkingHours h = rule.hours();
        return new DeskRule(new WorkingHours(s.zone().orElse(h.zone()), s.opens().orElse(h.opens()),
                s.closes().orElse(h.closes()), s.days().orElse(h.days())),
                s.callBackWithin().orElse(rule.callBackWithin()), s.team().orElse(rule.team()),
                s.retryAfter().orElse(rule.retryAfter()), s.maxAttempts().orElse(rule.maxAttempts()));
    }
}
