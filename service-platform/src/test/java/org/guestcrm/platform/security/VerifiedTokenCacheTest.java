package org.guestcrm.platform.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

class VerifiedTokenCacheTest {

    private static final long T0 = 1_800_000_000_000L;

    /** A verifier that accepts tokens named "good-<exp seconds>" and counts its verifications. */
    private static final class CountingVerifier implements JWTParser {
        final AtomicInteger verifications = new AtomicInteger();

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            verifications.incrementAndGet();
            if (!token.startsWith("good-")) {
                throw new ParseException("bad signature");
            }
            long exp = Long.parseLong(token.substring(5));
            Map<String, Object> claims = new HashMap<>(Map.of("exp", exp, "sub", "agent"));
            return new JsonWebToken() {
                @Override
                public String getName() {
                    return "agent";
                }

                @Override
                public Set<String> getClaimNames() {
                    return claims.keySet();
                }

                @Override
                @SuppressWarnings("unchecked")
                public <T> T getClaim(String name) {
                    return (T) claims.get(name);
                }
            };
        }

        @Override
        public JsonWebToken parse(String token, JWTAuthContextInfo context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, java.security.PublicKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, javax.crypto.SecretKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken verify(String token, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, java.security.PrivateKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, javax.crypto.SecretKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken decrypt(String token, String secret) {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonWebToken parseOnly(String token) {
            throw new UnsupportedOperationException();
        }
    }

    private final CountingVerifier verifier = new CountingVerifier();
    private final AtomicLong now = new AtomicLong(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private VerifiedTokenCache cache(int entries, Duration maxAge) {
        return new VerifiedTokenCache(verifier, entries, maxAge, now::get, registry);
    }

    private static String validFor(Duration ttl) {
        return "good-" + (T0 + ttl.toMillis()) / 1000;
    }

    @Test
    void aTokenIsVerifiedOnceAndThenServedFromTheCache() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String token = validFor(Duration.ofHours(1));
        JsonWebToken first = cache.parse(token);
        for (int i = 0; i < 10; i++) {
            assertSame(first, cache.parse(token));
        }
        assertEquals(1, verifier.verifications.get());
        assertEquals(10.0, registry.counter("guestcrm.security.token.cache", "result", "hit").count());
        assertEquals(1.0, registry.counter("guestcrm.security.token.cache", "result", "miss").count());
    }

    @Test
    void aCachedTokenIsVerifiedAgainAtItsExpirySoAnExpiredTokenIsNeverServed() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String token = validFor(Duration.ofSeconds(30));
        cache.parse(token);
        now.set(T0 + 29_000);
        cache.parse(token);
        assertEquals(1, verifier.verifications.get());
        now.set(T0 + 30_000);
        cache.parse(token);
        assertEquals(2, verifier.verifications.get(), "at its expiry the token goes back to the verifier");
    }

    @Test
    void noTokenIsHeldLongerThanTheMaximumAge() throws Exception {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        String token = validFor(Duration.ofHours(8));
        cache.parse(token);
        assertEquals(java.time.Instant.ofEpochMilli(T0 + 300_000), cache.heldUntil(token));
        now.set(T0 + 300_000);
        cache.parse(token);
        assertEquals(2, verifier.verifications.get());
    }

    @Test
    void aRefusedTokenIsNotCachedAndIsVerifiedEveryTime() {
        VerifiedTokenCache cache = cache(100, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            assertThrows(ParseException.class, () -> cache.parse("forged"));
        }
        assertEquals(3, verifier.verifications.get());
        assertEquals(0, cache.size());
        assertNull(cache.heldUntil("forged"));
    }

    @Test
    void theLeastRecentlyUsedTokenLeavesWhenTheCacheIsFull() throws Exception {
        VerifiedTokenCache cache = cache(2, Duration.ofMinutes(5));
        String a = validFor(Duration.ofMinutes(10));
        String b = validFor(Duration.ofMinutes(11));
        String c = validFor(Duration.ofMinutes(12));
        cache.parse(a);
        cache.parse(b);
        cache.parse(a);
        cache.parse(c);
        assertEquals(2, cache.size());
        assertNull(cache.heldUntil(b), "b was the least recently used");
        cache.parse(a);
        assertEquals(3, verifier.verifications.get(), "a is still held");
    }

    @Test
    void aCacheOfSizeZeroVerifiesEveryTime() throws Exception {
        VerifiedTokenCache cache = cache(0, Duration.ofMinutes(5));
        String token = validFor(Duration.ofMinutes(10));
        cache.parse(token);
        cache.parse(token);
        assertEquals(2, verifier.verifications.get());
    }
}
