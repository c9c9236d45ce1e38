package org.guestcrm.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.guestcrm.platform.security.SignedLinks.InvalidLinkException;
import org.junit.jupiter.api.Test;

class SignedLinksTest {

    private static final byte[] OLD_KEY = "an-old-signing-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW_KEY = "a-new-signing-key-of-32-bytes!!!".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final SignedLinks current = new SignedLinks(Map.of("k1", OLD_KEY), "k1", CLOCK);

    @Test
    void aSignedLinkVerifiesForItsScopeAndCarriesItsGrant() {
        String token = current.sign("unsubscribe", "demo", "anna@example.com|EMAIL|MARKETING", Duration.ofDays(30));
        SignedLinks.Grant grant = current.verify(token, "unsubscribe");
        assertEquals("demo", grant.tenant());
        assertEquals("anna@example.com|EMAIL|MARKETING", grant.subject());
        assertEquals(NOW.plus(Duration.ofDays(30)), grant.expiresAt());
    }

    @Test
    void anotherScopeAnExpiredLinkAndATamperedOneAreRefusedWithTheirReason() {
        String token = current.sign("unsubscribe", "demo", "guest-1", Duration.ofMinutes(5));
        assertEquals("wrong-scope", refusal(current, token, "preferences"));

        SignedLinks later = new SignedLinks(Map.of("k1", OLD_KEY), "k1",
                Clock.fixed(NOW.plus(Duration.ofMinutes(5)), ZoneOffset.UTC));
        assertEquals("expired", refusal(later, token, "unsubscribe"));

        String[] parts = token.split("\\.");
        String otherSubject = current.sign("unsubscribe", "demo", "guest-2", Duration.ofMinutes(5)).split("\\.")[2];
        String spliced = parts[0] + "." + parts[1] + "." + otherSubject + "." + parts[3];
        assertEquals("bad-signature", refusal(current, spliced, "unsubscribe"));
        assertEquals("malformed", refusal(current, "v1.k1.%%%.abc", "unsubscribe"));
        assertEquals("malformed", refusal(current, null, "unsubscribe"));
    }

    @Test
    void keysRotateWithoutBreakingLinksAlreadySent() {
        String sentYesterday = current.sign("preferences", "demo", "guest-1", Duration.ofDays(7));
        SignedLinks rotated = new SignedLinks(Map.of("k1", OLD_KEY, "k2", NEW_KEY), "k2", CLOCK);
        String sentToday = rotated.sign("preferences", "demo", "guest-1", Duration.ofDays(7));

        assertEquals("guest-1", rotated.verify(sentYesterday, "preferences").subject());
        assertEquals("guest-1", rotated.verify(sentToday, "preferences").subject());
        assertEquals("unknown-key", refusal(current, sentToday, "preferences"), "a key it never had");

        SignedLinks retired = new SignedLinks(Map.of("k2", NEW_KEY), "k2", CLOCK);
        assertEquals("unknown-key", refusal(retired, sentYesterday, "preferences"), "a retired key no longer works");
    }

    @Test
    void shortKeysAndAMissingCurrentKeyAreConfigurationErrors() {
        assertThrows(IllegalArgumentException.class,
                () -> new SignedLinks(Map.of("k1", new byte[8]), "k1", CLOCK));
        assertThrows(IllegalArgumentException.class, () -> new SignedLinks(Map.of("k1", OLD_KEY), "k9", CLOCK));
    }

    private static String refusal(SignedLinks links, String token, String scope) {
        return assertThrows(InvalidLinkException.class, () -> links.verify(token, scope)).reason();
    }
}
