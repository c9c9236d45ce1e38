package org.guestcrm.simulator;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A guest profile as the simulated PMS holds it: served by Mews' {@code customers/getAll} as a {@code Customer} and by
 * apaleo as the {@code primaryGuest} of the reservations that name it.
 *
 * @param marketingEmails the guest agreed to marketing e-mails (Mews {@code Options} {@code SendMarketingEmails})
 * @param smsOptIn        marketing by SMS agreed (true), refused (false) or never asked (null); the generic JSON API's
 *                        {@code marketing.smsOptIn}
 * @param phoneOptIn      marketing calls, likewise ({@code marketing.phoneOptIn})
 * @param postOptIn       marketing by post, likewise ({@code marketing.postOptIn}; Mews {@code SendMarketingPostalMail})
 */
public record SimulatedCustomer(String id, String title, String firstName, String lastName, String email, String phone,
                                String languageCode, String nationalityCode, LocalDate birthDate, String addressLine1,
                                String city, String postalCode, String countryCode, boolean marketingEmails,
                                Boolean smsOptIn, Boolean phoneOptIn, Boolean postOptIn, Instant created, Instant updated) {

    /** A customer who was never asked about SMS, calls or post. */
    public SimulatedCustomer(String id, String title, String firstName, String lastName, String email, String phone,
                             String languageCode, String nationalityCode, LocalDate birthDate, String addressLine1,
                             String city, String postalCode, String countryCode, boolean marketingEmails,
                             Instant created, Instant updated) {
        this(id, title, firstName, lastName, email, phone, languageCode, nationalityCode, birthDate, addressLine1, city,
                postalCode, countryCode, marketingEmails, null, null, null, created, updated);
    }

    public static SimulatedCustomer of(String id, String firstName, String lastName, String email) {
        return new SimulatedCustomer(id, null, firstName, lastName, email, null, null, null, null, null, null, null,
                null, false, null, null);
    }

    public SimulatedCustomer withEmail(String newEmail) {
        return new SimulatedCustomer(id, title, firstName, lastName, newEmail, phone, languageCode, nationalityCode,
                birthDate, addressLine1, city, postalCode, countryCode, marketingEmails, smsOptIn, phoneOptIn,
                postOptIn, created, updated);
    }

    public SimulatedCustomer withContact(String newPhone, String newLanguage, String newNationality) {
        return new SimulatedCustomer(id, title, firstName, lastName, email, newPhone, newLanguage, newNationality,
                birthDate, addressLine1, city, postalCode, countryCode, marketingEmails, smsOptIn, phoneOptIn,
                postOptIn, created, updated);
    }

    public SimulatedCustomer withAddress(String line1, String newCity, String newPostalCode, String newCountry) {
        return new SimulatedCustomer(id, title, firstName, lastName, email, phone, languageCode, nationalityCode,
                birthDate, line1, newCity, newPostalCode, newCountry, marketingEmails, smsOptIn, phoneOptIn,
                postOptIn, created, updated);
    }

    public SimulatedCustomer withMarketingEmails(boolean agreed) {
        return new SimulatedCustomer(id, title, firstName, lastName, email, phone, languageCode, nationalityCode,
                birthDate, addressLine1, city, postalCode, countryCode, agreed, smsOptIn, phoneOptIn, postOptIn,
                created, updated);
    }

    /** The SMS, call and post marketing flags (null: never asked). */
    public SimulatedCustomer withMarketingFlags(Boolean sms, Boolean phoneCalls, Boolean post) {
        return new SimulatedCustomer(id, title, firstName, lastName, email, phone, languageCode, nationalityCode,
                birthDate, addressLine1, city, postalCode, countryCode, marketingEmails, sms, phoneCalls, post, created,
                updated);
    }

    SimulatedCustomer stamped(Instant newCreated, Instant newUpdated) {
        return new SimulatedCustomer(id, title, firstName, lastName, email, phone, languageCode, nationalityCode,
                birthDate, addressLine1, city, postalCode, countryCode, marketingEmails, smsOptIn, phoneOptIn,
                postOptIn, newCreated, newUpdated);
    }

    boolean sameContent(SimulatedCustomer other) {
        return other != null && stamped(null, null).equals(other.stamped(null, null));
    }
}
