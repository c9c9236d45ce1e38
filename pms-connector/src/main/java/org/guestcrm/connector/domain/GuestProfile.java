package org.guestcrm.connector.domain;

import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest profile as the PMS sent it with a reservation. Payment data is never part of it.
 *
 * @param syntheticId true when the PMS sent no profile id and {@code pmsProfileId} was derived
 *                    from the reservation id ({@code <pmsReservationId>-G<n>})
 * @param preferences standing preferences and interests the PMS keeps on the profile, key = category with an optional
 *                    code ({@code ROOM_LOCATION:7}, {@code DIET}, {@code INTEREST}), value = the PMS's text; kept in key
 *                    order (the content hash of the event must not depend on the order the PMS listed them); never
 *                    payment data
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
        MarketingFlags marketingFlags,
        Map<String, String> preferences) {

    public GuestProfile {
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        addresses = List.copyOf(addresses);
        preferences = preferences == null || preferences.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(preferences));
    }

    /** A profile without preferences (the PMS keeps none, or the mapping reads none). */
    public GuestProfile(String pmsProfileId, boolean syntheticId, boolean primary, String profileType, String title,
                        String firstName, String middleName, String lastName, LocalDate birthDate, String gender,
                        String language, String nationality, List<Email> emails, List<Phone> phones,
                        List<Address> addresses, String loyaltyProgram, String loyaltyNumber, String companyName,
                        MarketingFlags marketingFlags) {
        this(pmsProfileId, syntheticId, primary, profileType, title, firstName, middleName, lastName, birthDate, gender,
                language, nationality, emails, phones, addresses, loyaltyProgram, loyaltyNumber, companyName,
                marketingFlags, Map.of());
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

    /** This profile with these preferences instead of its own. */
    public GuestProfile withPreferences(Map<String, String> newPreferences) {
        return new GuestProfile(pmsProfileId, syntheticId, primary, profileType, title, firstName, middleName, lastName,
                birthDate, gender, language, nationality, emails, phones, addresses, loyaltyProgram, loyaltyNumber,
                companyName, marketingFlags, newPreferences);
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
