package org.guestcrm.connector.domain;

import java.time.LocalDate;
import java.util.List;

/**
 * A guest profile as the PMS sent it with a reservation. Payment data is never part of it.
 *
 * @param syntheticId true when the PMS sent no profile id and {@code pmsProfileId} was derived
 *                    from the reservation id ({@code <pmsReservationId>-G<n>})
 */
public record GuestProfile(
        String pmsProfileId,
        boolean syntheticId,
        boolean primary,
        String profileType,
        String title,
        String firstName,
        String middleName,
        String lastName,
        LocalDate birthDate,
        String gender,
        String language,
        String nationality,
        List<Email> emails,
        List<Phone> phones,
        List<Address> addresses,
        String loyaltyProgram,
        String loyaltyNumber,
        String companyName,
        MarketingFlags marketingFlags) {

    public GuestProfile {
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        addresses = List.copyOf(addresses);
    }

    public record Email(String address, String type, boolean primary) {
    }

    public record Phone(String number, String type, boolean primary) {
    }

    public record Address(String type, List<String> lines, String city, String postalCode, String stateProvince,
                          String countryCode, String countryName, boolean primary) {
        public Address {
            lines = List.copyOf(lines);
        }
    }

    /** Marketing permissions as the PMS recorded them; null means the PMS did not say. */
    public record MarketingFlags(Boolean emailOptIn, Boolean smsOptIn, Boolean postOptIn, Boolean phoneOptIn,
                                 Boolean doNotContact) {
        public boolean isEmpty() {
            return emailOptIn == null && smsOptIn == null && postOptIn == null && phoneOptIn == null
                    && doNotContact == null;
        }
    }

    public String primaryEmail() {
        return emails.stream().filter(Email::primary).findFirst().or(() -> emails.stream().findFirst())
                .map(Email::address).orElse(null);
    }

    public String primaryPhone() {
        return phones.stream().filter(Phone::primary).findFirst().or(() -> phones.stream().findFirst())
                .map(Phone::number).orElse(null);
    }
}
