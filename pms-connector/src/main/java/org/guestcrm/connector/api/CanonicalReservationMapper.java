package org.guestcrm.connector.api;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.guestcrm.connector.domain.Amount;
import org.guestcrm.connector.domain.ExtraService;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;

/** Canonical JSON DTO to the domain reservation. */
final class CanonicalReservationMapper {

    private CanonicalReservationMapper() {
    }

    static Reservation toDomain(CanonicalReservation dto) {
        List<GuestProfile> guests = new ArrayList<>();
        List<CanonicalReservation.GuestDto> guestDtos = orEmpty(dto.guests());
        for (int i = 0; i < guestDtos.size(); i++) {
            guests.add(guest(guestDtos.get(i), i == 0 && guestDtos.stream().noneMatch(g -> Boolean.TRUE.equals(g.primary()))));
        }
        return new Reservation(
                dto.hotelCode(),
                dto.hotelName(),
                dto.chainCode(),
                dto.pmsReservationId(),
                dto.externalReferences() == null ? Map.of() : dto.externalReferences(),
                dto.status(),
                dto.changeType() != null ? dto.changeType() : defaultChange(dto.status()),
                dto.arrival(),
                dto.departure(),
                dto.pmsSequence(),
                instant(dto.pmsModifiedAt()),
                instant(dto.createdAt()),
                instant(dto.cancelledAt()),
                dto.cancellationReason(),
                amount(dto.totalAmount()),
                dto.totalAmountIncludesTax(),
                dto.origin(),
                dto.channel(),
                dto.marketSegment(),
                dto.sourceCode(),
                dto.ratePlanCode(),
                dto.roomTypeCode(),
                dto.roomNumber(),
                dto.adults() == null ? 1 : dto.adults(),
                dto.children() == null ? 0 : dto.children(),
                orEmpty(dto.comments()),
                orEmpty(dto.extraServices()).stream()
                        .map(s -> new ExtraService(s.code(), s.name(), s.quantity() == null ? 1 : s.quantity(),
                                s.serviceDate(), amount(s.amount())))
                        .toList(),
                guests);
    }

    private static ReservationChangeType defaultChange(ReservationStatus status) {
        return switch (status) {
            case CANCELLED -> ReservationChangeType.CANCELLED;
            case NO_SHOW -> ReservationChangeType.NO_SHOW;
            case CHECKED_IN -> ReservationChangeType.CHECKED_IN;
            case CHECKED_OUT -> ReservationChangeType.CHECKED_OUT;
            default -> ReservationChangeType.MODIFIED;
        };
    }

    private static GuestProfile guest(CanonicalReservation.GuestDto g, boolean primaryByDefault) {
        List<String> emails = orEmpty(g.emails());
        List<String> phones = orEmpty(g.phones());
        GuestProfile.MarketingFlags flags = new GuestProfile.MarketingFlags(g.emailOptIn(), g.smsOptIn(), g.postOptIn(),
                g.phoneOptIn(), g.doNotContact());
        return new GuestProfile(
                g.pmsProfileId(),
                false,
                g.primary() != null ? g.primary() : primaryByDefault,
                g.profileType(),
                g.title(),
                g.firstName(),
                g.middleName(),
                g.lastName(),
                g.birthDate(),
                g.gender(),
                g.language(),
                g.nationality(),
                emails.stream().map(e -> new GuestProfile.Email(e, null, e.equals(emails.getFirst()))).toList(),
                phones.stream().map(p -> new GuestProfile.Phone(p, null, p.equals(phones.getFirst()))).toList(),
                orEmpty(g.addresses()).stream()
                        .map(a -> new GuestProfile.Address(a.type(), orEmpty(a.lines()), a.city(), a.postalCode(),
                                a.stateProvince(), a.countryCode(), a.countryName(), false))
                        .toList(),
                g.loyaltyProgram(),
                g.loyaltyNumber(),
                g.companyName(),
                flags.isEmpty() ? null : flags);
    }

    private static Amount amount(CanonicalReservation.MoneyDto money) {
        return money == null ? null : new Amount(money.amount(), money.currency());
    }

    private static java.time.Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list.stream().filter(x -> x != null).toList();
    }
}
