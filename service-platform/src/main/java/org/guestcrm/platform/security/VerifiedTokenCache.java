package org.guestcrm.platform.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies a staff bearer token once and remembers the result for the token's remaining life (at most
 * {@code guestcrm.security.token-cache.max-age}, 5 minutes by default), so that a client calling many times with one
 * token does not pay an RS256 verification per request. The JFR profile of the benchmark showed the signature check
 * (RSA public-key exponentiation) at about 6 % of the journey-service's CPU while the bench polled one endpoint with
 * one token.
 *
 * <p>What is cached is the verified, parsed token, keyed by the exact token text: a hit is the same bytes a full
 * verification already accepted, so nobody gets in with a token that was not verified. The expiry is checked again on
 * every hit, so a token is refused the moment it expires, as without the cache. The cap on the age bounds how long a
 * token keeps working after its verification key was withdrawn; the cap on the entries (LRU) bounds the memory.
 * Refused tokens are not cached: a forged token is verified (and refused) every time.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache implements JWTParser {

    private final JWTParser delegate;
    private final int maxEntries;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    private final Map<String, Held> entries;
    private final Counter hits;
    private final Counter misses;

    record Held(JsonWebToken token, long validUntilMillis) {
    }

    @Inject
    public VerifiedTokenCache(DefaultJWTParser delegate,
            @ConfigProperty(name = "guestcrm.security.token-cache.max-entries", defaultValue = "10000") int maxEntries,
            @ConfigProperty(name = "guestcrm.security.token-cache.max-age", defaultValue = "PT5M") Duration maxAge,
            MeterRegistry registry) {
        this(delegate, maxEntries, maxAge, Clock.systemUTC()::millis, registry);
    }

    VerifiedTokenCache(JWTParser delegate, int maxEntries, Duration maxAge, LongSupplier clock, MeterRegistry registry) {
        this.delegate = delegate;
        this.maxEntries = Math.max(0, maxEntries);
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
                return size() > VerifiedTokenCache.this.maxEntries;
            }
        };
        this.hits = Counter.builder("guestcrm.security.token.cache").tag("result", "hit")
                .description("Staff bearer tokens accepted from the verified-token cache").register(registry);
        this.misses = Counter.builder("guestcrm.security.token.cache").tag("result", "miss")
                .description("Staff bearer tokens verified in full (first use, expired from the cache, or refused)")
                .register(registry);
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        Held cached;
        synchronized (entries) {
            cached = entries.get(token);
            if (cached != null && now >= cached.validUntilMillis) {
                entries.remove(token);
                cached = null;
            }
        }
        if (cached != null) {
            hits.increment();
            return cached.token;
        }
        misses.increment();
        JsonWebToken verified = delegate.parse(token);
        long expiresAt = verified.getExpirationTime() > 0 ? verified.getExpirationTime() * 1000L : now;
        long validUntil = Math.min(expiresAt, now + maxAgeMillis);
        if (validUntil > now && maxEntries > 0) {
            synchronized (entries) {
                entries.put(token, new Held(verified, validUntil));
            }
        }
        return verified;
    }

    /** How many verified tokens are held (for tests and the operators' curiosity). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return delegate.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, java.security.PublicKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, javax.crypto.SecretKey key) throws ParseException {
        return delegate.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return delegate.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, java.security.PrivateKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, javax.crypto.SecretKey key) throws ParseException {
        return delegate.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return delegate.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return delegate.parseOnly(token);
    }

    /** For tests: whether an entry for {@code token} is held and until when. */
    Instant heldUntil(String token) {
        synchronized (entries) {
            Held entry = entries.get(token);
            return entry == null ? null : Instant.ofEpochMilli(entry.validUntilMillis);
        }
    }
}
