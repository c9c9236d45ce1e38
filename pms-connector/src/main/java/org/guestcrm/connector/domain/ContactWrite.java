package org.guestcrm.connector.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Contact data the CRM writes back to one PMS profile (issue 7, "two-way, contact data only"): names, language, e-mails,
 * phones, a postal address and marketing flags. A null field is unchanged; an empty list removes them all. Nothing
 * else (no reservation, no CRM-only data) can be expressed, so nothing else can be written.
 */
public record ContactWrite(String firstName, String lastName, String language, List<String> emails, List<String> phones,
                           Address address, MarketingFlags marketingFlags) {

    public ContactWrite {
        emails = emails == null ? null : List.copyOf(emails);
        phones = phones == null ? null : List.copyOf(phones);
        if (marketingFlags != null && marketingFlags.saysNothing()) {
            marketingFlags = null;
        }
    }

    public record Address(List<String> lines, String city, String postalCode, String countryCode) {
        public Address {
            lines = lines == null ? List.of() : List.copyOf(lines);
        }
    }

    /** Marketing permissions; null = unchanged. */
    public record MarketingFlags(Boolean emailOptIn, Boolean smsOptIn, Boolean postOptIn, Boolean phoneOptIn,
                                 Boolean doNotContact) {
        public boolean saysNothing() {
            return emailOptIn == null && smsOptIn == null && postOptIn == null && phoneOptIn == null
                    && doNotContact == null;
        }
    }

    /** The fields this write changes, in a fixed order (names only, never values: for logs and the job view). */
    public List<String> fields() {
        List<String> fields = new ArrayList<>();
        if (firstName != null) {
            fields.add("firstName");
        }
        if (lastName != null) {
            fields.add("lastName");
        }
        if (language != null) {
            fields.add("language");
        }
        if (emails != null) {
            fields.add("emails");
        }
        if (phones != null) {
            fields.add("phones");
        }
        if (address != null) {
            fields.add("address");
        }
        if (marketingFlags != null) {
            fields.add("marketingFlags");
        }
        return fields;
    }

    public boolean writesNothing() {
        return fields().isEmpty();
    }

    /** A marketing flag a PMS may hold. */
    public enum Flag { EMAIL, SMS, PHONE, POST, DO_NOT_CONTACT }

    /**
     * What a PMS that keeps one e-mail, one phone, one address and only the e-mail opt-in of the marketing flags holds
     * after this write ({@link #toSingleValued(java.util.Set)} with {@code EMAIL}).
     */
    public Reduced toSingleValued() {
        return toSingleValued(java.util.EnumSet.of(Flag.EMAIL));
    }

    /**
     * What a PMS that keeps one e-mail, one phone, one address and the marketing flags {@code held} holds after this
     * write, and what it cannot take (field names). "Do not contact" a PMS cannot hold becomes "no" on each channel
     * flag it holds that the write leaves unsaid (so a guest who said "never" is not left opted in at the PMS).
     */
    public Reduced toSingleValued(java.util.Set<Flag> held) {
        List<String> notWritten = new ArrayList<>();
        List<String> oneEmail = emails == null ? null : emails.isEmpty() ? List.of() : List.of(emails.getFirst());
        if (emails != null && emails.size() > 1) {
            notWritten.add("emails[1..]");
        }
        List<String> onePhone = phones == null ? null : phones.isEmpty() ? List.of() : List.of(phones.getFirst());
        if (phones != null && phones.size() > 1) {
            notWritten.add("phones[1..]");
        }
        MarketingFlags flags = null;
        if (marketingFlags != null) {
            MarketingFlags f = marketingFlags;
            boolean never = Boolean.TRUE.equals(f.doNotContact()) && !held.contains(Flag.DO_NOT_CONTACT);
            Boolean email = channel(f.emailOptIn(), never, held.contains(Flag.EMAIL), "emailOptIn", notWritten);
            Boolean sms = channel(f.smsOptIn(), never, held.contains(Flag.SMS), "smsOptIn", notWritten);
            Boolean post = channel(f.postOptIn(), never, held.contains(Flag.POST), "postOptIn", notWritten);
            Boolean phone = channel(f.phoneOptIn(), never, held.contains(Flag.PHONE), "phoneOptIn", notWritten);
            Boolean doNotContact = held.contains(Flag.DO_NOT_CONTACT) ? f.doNotContact() : null;
            boolean carriedAsChannels = never && ((f.emailOptIn() == null && email != null)
                    || (f.smsOptIn() == null && sms != null) || (f.postOptIn() == null && post != null)
                    || (f.phoneOptIn() == null && phone != null));
            if (f.doNotContact() != null && !held.contains(Flag.DO_NOT_CONTACT) && !carriedAsChannels) {
                notWritten.add("marketingFlags.doNotContact");
            }
            flags = new MarketingFlags(email, sms, post, phone, doNotContact);
            if (flags.saysNothing()) {
                flags = null;
            }
        }
        return new Reduced(new ContactWrite(firstName, lastName, language, oneEmail, onePhone, address, flags),
                List.copyOf(notWritten));
    }

    private static Boolean channel(Boolean given, boolean never, boolean held, String name, List<String> notWritten) {
        if (!held) {
            if (given != null) {
                notWritten.add("marketingFlags." + name);
            }
            return null;
        }
        return given != null ? given : never ? Boolean.FALSE : null;
    }

    /** A write as a PMS can hold it, and the parts it cannot take (field names). */
    public record Reduced(ContactWrite write, List<String> notWritten) {
    }

    /** E-mails compare case-insensitively. */
    public static String emailKey(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    /** Phones compare by their digits (a PMS may format them its own way: {@code +41 44 123 45 67}, {@code +41441234567}). */
    public static String phoneKey(String phone) {
        if (phone == null) {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        for (char c : phone.toCharArray()) {
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    /** Names, language tags, address parts compare trimmed and case-insensitively. */
    public static String textKey(String text) {
        return text == null || text.isBlank() ? null : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
