package org.guestcrm.connector.api;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.guestcrm.connector.domain.Amount;
import org.guestcrm.connector.domain.ExtraService;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.OptionalFields;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;

/** Canonical JSON DTO to the domain reservation. */
public final class CanonicalReservationMapper {

    private CanonicalReservationMapper() {
    }

    /** The domain reservation; malformed optional guest fields are left out and named in {@code warnings}. */
    static Reservation toDomain(CanonicalReservation dto, List<FieldWarning> warnings) {
        List<GuestProfile> guests = new ArrayList<>();
        List<CanonicalReservation.GuestDto> guestDtos = dto.guests() == null ? List.of() : dto.guests();
        boolean anyPrimary = guestDtos.stream().anyMatch(g -> g != null && Boolean.TRUE.equals(g.primary()));
        for (int i = 0; i < guestDtos.size(); i++) {
            if (guestDtos.get(i) != null) {
                guests.add(guest(guestDtos.get(i), i == 0 && !anyPrimary, "guests[" + i + "]", warnings));
            }
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

    public static GuestProfile guest(CanonicalReservation.GuestDto g, boolean primaryByDefault, String at,
                                      List<FieldWarning> warnings) {
        List<String> emails = new ArrayList<>();
        List<String> givenEmails = g.emails() == null ? List.of() : g.emails();
        for (int i = 0; i < givenEmails.size(); i++) {
            if (OptionalFields.isEmail(givenEmails.get(i))) {
                emails.add(givenEmails.get(i));
            } else {
                OptionalFields.dropped(warnings, "email", at + ".emails[" + i + "]", "is not an e-mail address");
            }
        }
        List<String> phones = new ArrayList<>();
        List<String> givenPhones = g.phones() == null ? List.of() : g.phones();
        for (int i = 0; i < givenPhones.size(); i++) {
            if (OptionalFields.isPhone(givenPhones.get(i))) {
                phones.add(givenPhones.get(i));
            } else {
                OptionalFields.dropped(warnings, "phone", at + ".phones[" + i + "]", "is not a phone number");
            }
        }
        java.time.LocalDate birthDate = OptionalFields.date(g.birthDate());
        if (g.birthDate() != null && birthDate == null) {
            OptionalFields.dropped(warnings, "birthDate", at + ".birthDate", "is not a date (yyyy-MM-dd, "
                    + org.guestcrm.connector.domain.CanonicalLimits.EARLIEST_DATE + " to "
                    + org.guestcrm.connector.domain.CanonicalLimits.LATEST_DATE + ")");
        }
        String language = g.language();
        if (language != null && !OptionalFields.isLanguage(language)) {
            OptionalFields.dropped(warnings, "language", at + ".language", "is not a language tag (BCP 47)");
            language = null;
        }
        String nationality = country(g.nationality(), at + ".nationality", warnings);
        List<CanonicalReservation.AddressDto> addresses = orEmpty(g.addresses());
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
                birthDate,
                g.gender(),
                language,
                nationality,
                emails.stream().map(e -> new GuestProfile.Email(e, null, e.equals(emails.getFirst()))).toList(),
                phones.stream().map(p -> new GuestProfile.Phone(p, null, p.equals(phones.getFirst()))).toList(),
                java.util.stream.IntStream.range(0, addresses.size())
                        .mapToObj(i -> {
                            CanonicalReservation.AddressDto a = addresses.get(i);
                            return new GuestProfile.Address(a.type(), orEmpty(a.lines()), a.city(), a.postalCode(),
                                    a.stateProvince(), country(a.countryCode(), at + ".addresses[" + i + "].countryCode", warnings),
                                    a.countryName(), false);
                        })
                        .toList(),
                g.loyaltyProgram(),
                g.loyaltyNumber(),
                g.companyName(),
                flags.isEmpty() ? null : flags,
                preferences(g.preferences()));
    }

    /** Keys and values stripped (bounds: CanonicalLimits, a 400 naming the field). */
    private static java.util.Map<String, String> preferences(java.util.Map<String, String> given) {
        if (given == null || given.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> stripped = new java.util.LinkedHashMap<>();
        given.forEach((key, value) -> stripped.put(key == null ? "" : key.strip(), value == null ? null : value.strip()));
        return stripped;
    }

    private static String country(String value, String location, List<FieldWarning> warnings) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String code = OptionalFields.countryCode(value);
        if (code == null) {
            OptionalFields.dropped(warnings, "countryCode", location, "is not an ISO 3166 country code");
        }
        return code;
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
