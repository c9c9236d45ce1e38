package org.guestcrm.profile.domain.matching;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which e-mail addresses may serve as merge evidence: not an OTA's relay address (guest.booking.com,
 * m.expediapartnercentral.com, ...), an agency's inbox, or a placeholder (noemail@, reception@, ...). The list is data
 * ({@code matching/email-not-evidence.txt}); such an address is never the guest's marketing address either.
 */
public final class EmailEvidence {

    private final Set<String> domains;
    private final Set<String> localParts;

    public EmailEvidence(List<String> entries) {
        Set<String> d = new LinkedHashSet<>();
        Set<String> l = new LinkedHashSet<>();
        for (String raw : entries) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            if (entry.startsWith("@")) {
                d.add(entry.substring(1));
            } else if (entry.endsWith("@")) {
                l.add(entry.substring(0, entry.length() - 1));
            }
        }
        domains = Set.copyOf(d);
        localParts = Set.copyOf(l);
    }

    /** The list shipped with the service. */
    public static EmailEvidence standard() {
        try (InputStream in = EmailEvidence.class.getResourceAsStream("/matching/email-not-evidence.txt")) {
            if (in == null) {
                throw new IllegalStateException("matching/email-not-evidence.txt is missing");
            }
            return new EmailEvidence(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param email a normalised address (trimmed, lower-case) */
    public boolean isEvidence(String email) {
        return whyNot(email).isEmpty();
    }

    /** Why an address is not the guest's own. */
    public enum Reason {
        /** Not an address at all. */
        MALFORMED,
        /** A placeholder local part (noemail@, reception@, ...) at any domain. */
        PLACEHOLDER,
        /** An OTA relay or agency domain (guest.booking.com, ...): mail reaches the guest only through the OTA. */
        OTA_RELAY
    }

    /** Empty when the address may be the guest's own (merge evidence, marketing address), else why not. */
    public java.util.Optional<Reason> whyNot(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0 || at == email.length() - 1) {
            return java.util.Optional.of(Reason.MALFORMED);
        }
        if (localParts.contains(email.substring(0, at))) {
            return java.util.Optional.of(Reason.PLACEHOLDER);
        }
        String domain = email.substring(at + 1);
        for (String d = domain; ; ) {
            if (domains.contains(d)) {
                return java.util.Optional.of(Reason.OTA_RELAY);
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return java.util.Optional.empty();
            }
            d = d.substring(dot + 1);
        }
    }
}
