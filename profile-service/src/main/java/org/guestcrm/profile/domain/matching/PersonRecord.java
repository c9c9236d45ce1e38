package org.guestcrm.profile.domain.matching;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the matcher compares of a person, normalised once: names lower-case, accents removed, titles dropped, only
 * letters; birth date as {@code yyyymmdd}; postcode and document number as letters and digits; city lower-case
 * letters; e-mail as normalised (an OTA relay or placeholder address is dropped: it is never evidence); phone in E.164;
 * loyalty number as letters and digits. Absent values are {@code null} and weigh nothing.
 */
public record PersonRecord(String id, String givenName, String surname, String birthDate, String postcode,
        String city, String street, String email, String documentNumber, String phone, String loyaltyNumber) {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Set<String> TITLES = Set.of("mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme",
            "mlle", "m", "sir", "madam");

    public static PersonRecord of(String id, String givenName, String surname, String birthDate, String postcode,
            String city, String street, String email, String documentNumber, EmailEvidence emails) {
        return of(id, givenName, surname, birthDate, postcode, city, street, email, documentNumber, null, null, emails);
    }

    /**
     * @param phone         an E.164 number (normalised by the caller, which knows the default region), or null
     * @param loyaltyNumber a loyalty-programme number as sent (letters and digits kept), or null
     */
    public static PersonRecord of(String id, String givenName, String surname, String birthDate, String postcode,
            String city, String street, String email, String documentNumber, String phone, String loyaltyNumber,
            EmailEvidence emails) {
        String normalisedEmail = email == null ? null : email.trim().toLowerCase(Locale.ROOT);
        if (normalisedEmail != null && (normalisedEmail.isEmpty() || !emails.isEvidence(normalisedEmail))) {
            normalisedEmail = null;
        }
        return new PersonRecord(id, name(givenName), name(surname), digits(birthDate), alphanumeric(postcode),
                name(city), alphanumeric(street), normalisedEmail, alphanumeric(documentNumber),
                phone == null || phone.isBlank() ? null : phone.trim(), alphanumeric(loyaltyNumber));
    }

    /** Lower-case letters only, accents removed, titles dropped; null when nothing is left. */
    public static String name(String raw) {
        if (raw == null) {
            return null;
        }
        String plain = MARKS.matcher(Normalizer.normalize(raw, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (String word : plain.split("[^\\p{L}]+")) {
            if (!word.isEmpty() && !TITLES.contains(word)) {
                out.append(word);
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    private static String digits(String raw) {
        if (raw == null) {
            return null;
        }
        String d = raw.replaceAll("[^0-9]", "");
        return d.length() == 8 ? d : null;
    }

    private static String alphanumeric(String raw) {
        if (raw == null) {
            return null;
        }
        String v = raw.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}0-9]", "");
        return v.isEmpty() ? null : v;
    }
}
