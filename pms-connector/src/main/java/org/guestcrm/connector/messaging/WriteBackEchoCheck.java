package org.guestcrm.connector.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.guestcrm.connector.domain.ContactWrite;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;

/**
 * Tells our own write-back coming back from the PMS (an echo) from a change made in the PMS: a profile state is an echo
 * of a write when it holds the write's values in the fields the write changed, and differs from the last emitted state
 * of the profile in nothing else. E-mails compare case-insensitively, phones by their digits, names, languages and
 * address parts trimmed and case-insensitively (a PMS formats what it stores its own way).
 */
final class WriteBackEchoCheck {

    private WriteBackEchoCheck() {
    }

    /** True when {@code now} is {@code before} with {@code held} applied, and nothing else changed. */
    static boolean isEcho(GuestProfileChanged before, GuestProfileChanged now, ContactWrite held) {
        if (before == null || now == null || held == null || held.writesNothing()) {
            return false;
        }
        return holds(now, held) && PmsEventMapper.contentSha256(masked(before, held))
                .equals(PmsEventMapper.contentSha256(masked(now, held)));
    }

    /** The profile holds the write's values in every field the write changes. */
    static boolean holds(GuestProfileChanged p, ContactWrite w) {
        if (w.firstName() != null && !Objects.equals(ContactWrite.textKey(w.firstName()), ContactWrite.textKey(p.getFirstName()))) {
            return false;
        }
        if (w.lastName() != null && !Objects.equals(ContactWrite.textKey(w.lastName()), ContactWrite.textKey(p.getLastName()))) {
            return false;
        }
        if (w.language() != null && !Objects.equals(ContactWrite.textKey(w.language()), ContactWrite.textKey(p.getLanguage()))) {
            return false;
        }
        if (w.emails() != null && !keys(w.emails(), ContactWrite::emailKey)
                .equals(keys(p.getEmails().stream().map(EmailAddress::getAddress).toList(), ContactWrite::emailKey))) {
            return false;
        }
        if (w.phones() != null && !keys(w.phones(), ContactWrite::phoneKey)
                .equals(keys(p.getPhones().stream().map(PhoneNumber::getNumber).toList(), ContactWrite::phoneKey))) {
            return false;
        }
        if (w.address() != null) {
            if (p.getAddresses().isEmpty() || !sameAddress(w.address(), p.getAddresses().getFirst())) {
                return false;
            }
        }
        if (w.marketingFlags() != null) {
            ContactWrite.MarketingFlags f = w.marketingFlags();
            PmsMarketingFlags g = p.getMarketingFlags();
            if (g == null) {
                return false;
            }
            return (f.emailOptIn() == null || f.emailOptIn().equals(g.getEmailOptIn()))
                    && (f.smsOptIn() == null || f.smsOptIn().equals(g.getSmsOptIn()))
                    && (f.postOptIn() == null || f.postOptIn().equals(g.getPostOptIn()))
                    && (f.phoneOptIn() == null || f.phoneOptIn().equals(g.getPhoneOptIn()))
                    && (f.doNotContact() == null || f.doNotContact().equals(g.getDoNotContact()));
        }
        return true;
    }

    /** The profile without the fields the write changes (so two states compare on everything else). */
    static GuestProfileChanged masked(GuestProfileChanged p, ContactWrite w) {
        GuestProfileChanged.Builder b = GuestProfileChanged.newBuilder(p);
        if (w.firstName() != null) {
            b.setFirstName(null);
        }
        if (w.lastName() != null) {
            b.setLastName(null);
        }
        if (w.language() != null) {
            b.setLanguage(null);
        }
        if (w.emails() != null) {
            b.setEmails(List.of());
        }
        if (w.phones() != null) {
            b.setPhones(List.of());
        }
        if (w.address() != null) {
            b.setAddresses(List.of());
        }
        if (w.marketingFlags() != null && p.getMarketingFlags() != null) {
            ContactWrite.MarketingFlags f = w.marketingFlags();
            PmsMarketingFlags g = p.getMarketingFlags();
            PmsMarketingFlags rest = PmsMarketingFlags.newBuilder()
                    .setEmailOptIn(f.emailOptIn() != null ? null : g.getEmailOptIn())
                    .setSmsOptIn(f.smsOptIn() != null ? null : g.getSmsOptIn())
                    .setPostOptIn(f.postOptIn() != null ? null : g.getPostOptIn())
                    .setPhoneOptIn(f.phoneOptIn() != null ? null : g.getPhoneOptIn())
                    .setDoNotContact(f.doNotContact() != null ? null : g.getDoNotContact())
                    .build();
            boolean empty = rest.getEmailOptIn() == null && rest.getSmsOptIn() == null && rest.getPostOptIn() == null
                    && rest.getPhoneOptIn() == null && rest.getDoNotContact() == null;
            b.setMarketingFlags(empty ? null : rest);
        }
        return b.build();
    }

    private static boolean sameAddress(ContactWrite.Address w, PostalAddress a) {
        List<String> written = new ArrayList<>();
        w.lines().stream().map(ContactWrite::textKey).filter(Objects::nonNull).forEach(written::add);
        List<String> held = new ArrayList<>();
        a.getLines().stream().map(ContactWrite::textKey).filter(Objects::nonNull).forEach(held::add);
        return written.equals(held)
                && Objects.equals(ContactWrite.textKey(w.city()), ContactWrite.textKey(a.getCity()))
                && Objects.equals(ContactWrite.textKey(w.postalCode()), ContactWrite.textKey(a.getPostalCode()))
                && Objects.equals(ContactWrite.textKey(w.countryCode()), ContactWrite.textKey(a.getCountryCode()));
    }

    private static Set<String> keys(List<String> values, Function<String, String> key) {
        Set<String> keys = new TreeSet<>();
        for (String value : values) {
            String k = key.apply(value);
            if (k != null && !k.isEmpty()) {
                keys.add(k);
            }
        }
        return keys;
    }
}
