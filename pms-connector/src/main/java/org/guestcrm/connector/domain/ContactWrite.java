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

    /**
     * What a PMS that keeps one e-mail, one phone, one address and, of the marketing flags, only the e-mail opt-in (Mews'
     * {@code SendMarketingEmails}; the simulator's profiles) holds after this write, and what it cannot take. "Do not
     * contact" becomes "no marketing e-mails" unless the e-mail opt-in is given.
     */
    public Reduced toSingleValued() {
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
            Boolean email = marketingFlags.emailOptIn();
            if (email == null && Boolean.TRUE.equals(marketingFlags.doNotContact())) {
                email = false;
            }
            flags = email == null ? null : new MarketingFlags(email, null, null, null, null);
            for (String[] flag : new String[][] {{"smsOptIn", String.valueOf(marketingFlags.smsOptIn())},
                    {"postOptIn", String.valueOf(marketingFlags.postOptIn())},
                    {"phoneOptIn", String.valueOf(marketingFlags.phoneOptIn())}}) {
                if (!flag[1].equals("null")) {
                    notWritten.add("marketingFlags." + flag[0]);
                }
            }
            boolean doNotContactAsEmail = marketingFlags.emailOptIn() == null
                    && Boolean.TRUE.equals(marketingFlags.doNotContact());
            if (marketingFlags.doNotContact() != null && !doNotContactAsEmail) {
                notWritten.add("marketingFlags.doNotContact");
            }
        }
        return new Reduced(new ContactWrite(firstName, lastName, language, oneEmail, onePhone, address, flags),
                List.copyOf(notWritten));
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
