package org.guestcrm.connector.api;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.RequestSignature;
import org.guestcrm.connector.domain.SecretCipher;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.persistence.FeedCredentialEntity;
import org.guestcrm.connector.persistence.FeedDirectory;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.FeedProvisioning;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Resolves the feed of a push request and authenticates it with one of the feed's valid credentials: a bearer
 * token ({@code Authorization: Bearer ...}, compared by SHA-256 in constant time) or an HMAC-SHA256 signature of
 * the body ({@code X-Signature} over {@code X-Signature-Timestamp "." body}) inside the replay window, each
 * signature accepted once. Failures are counted per feed and reason (missing, invalid, expired, replayed); no
 * token, secret or signature is ever logged.
 * The feed and its credentials come from {@link FeedDirectory} (read once, kept briefly); the replay check of
 * signatures is never cached.
 */
@ApplicationScoped
public class FeedAccess {

    private static final Logger LOG = Logger.getLogger(FeedAccess.class);
    static final long PAUSED_RETRY_AFTER_SECONDS = 60;

    /** What the rest of the request needs to know about its feed. */
    public record Feed(String feedId, String tenantId, FeedKind kind, String defaultCurrency, boolean enabled) {
    }

    /** Why a request may not use a feed; {@code status} is 404, 401 or 503 (paused). */
    public static class Denied extends RuntimeException {
        public final Response.Status status;

        Denied(Response.Status status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }

        /** Retry-After (seconds) for a paused feed, else null. */
        public Long retryAfterSeconds() {
            return status == Response.Status.SERVICE_UNAVAILABLE ? PAUSED_RETRY_AFTER_SECONDS : null;
        }
    }

    /** The presented credentials of a request, as they came in the headers. */
    public record Presented(String authorization, String signature, String signatureTimestamp) {
    }

    @Inject
    ConnectorConfig config;

    @Inject
    EntityManager entityManager;

    @Inject
    FeedProvisioning provisioning;

    @Inject
    InboundMetrics metrics;

    @Inject
    FeedDirectory directory;

    /** The feed, when it exists and takes this format; else 404. */
    @Transactional
    public Feed find(String feedId, FeedKind expectedKind) {
        FeedEntity feed = directory.feed(feedId);
        if (feed == null || feed.deletedAt != null || feed.kind != expectedKind) {
            throw new Denied(Response.Status.NOT_FOUND, feed == null || feed.deletedAt != null
                    ? "No feed " + feedId + " exists."
                    : "Feed " + feedId + " does not accept this format; it is a " + feed.kind + " feed.");
        }
        return new Feed(feed.feedId, feed.tenantId, feed.kind,
                feed.defaultCurrency != null ? feed.defaultCurrency : config.defaultCurrency(), feed.enabled);
    }

    /**
     * Authenticates the request on the feed (401 with a counted reason), then checks the feed is not paused (503 with
     * Retry-After: a PMS retries a 5xx, and a paused feed is meant to be resumed, so nothing it sends meanwhile is lost).
     */
    @Transactional
    public void authenticate(Feed feed, Presented presented, byte[] body) {
        Instant now = Instant.now();
        List<FeedCredentialEntity> credentials = directory.credentials(feed.feedId());
        String failure;
        if (presented.signature() != null || presented.signatureTimestamp() != null) {
            failure = checkSignature(feed, credentials, presented, body, now);
        } else if (bearerToken(presented.authorization()) != null) {
            failure = checkBearer(credentials, bearerToken(presented.authorization()), now);
        } else {
            failure = "missing";
        }
        if (failure != null) {
            metrics.authenticationFailed(feed.feedId(), failure);
            throw new Denied(Response.Status.UNAUTHORIZED, switch (failure) {
                case "missing" -> "Feed " + feed.feedId() + " needs a bearer token or an HMAC signature ("
                        + RequestSignature.SIGNATURE_HEADER + " and " + RequestSignature.TIMESTAMP_HEADER + ").";
                case "expired" -> "The credential or the signature timestamp for feed " + feed.feedId() + " has expired.";
                case "replayed" -> "This signature was already used on feed " + feed.feedId() + "; sign every request anew.";
                default -> "A valid credential for feed " + feed.feedId() + " is required.";
            });
        }
        if (!feed.enabled()) {
            throw new Denied(Response.Status.SERVICE_UNAVAILABLE, "Feed " + feed.feedId() + " is paused; retry later.");
        }
    }

    private static String checkBearer(List<FeedCredentialEntity> credentials, String token, Instant now) {
        for (FeedCredentialEntity credential : credentials) {
            if (FeedCredentialEntity.BEARER.equals(credential.kind) && Tokens.matches(token, credential.tokenSha256)) {
                return credential.expiredAt(now) ? "expired" : null;
            }
        }
        return "invalid";
    }

    private String checkSignature(Feed feed, List<FeedCredentialEntity> credentials, Presented presented, byte[] body,
                                  Instant now) {
        Long timestamp = RequestSignature.parseTimestamp(presented.signatureTimestamp());
        byte[] signature = RequestSignature.parseSignature(presented.signature());
        if (timestamp == null || signature == null) {
            return presented.signature() == null || presented.signatureTimestamp() == null ? "missing" : "invalid";
        }
        Duration window = config.credentials().signatureWindow();
        if (Math.abs(now.getEpochSecond() - timestamp) > window.toSeconds()) {
            return "expired";
        }
        FeedCredentialEntity matched = null;
        for (FeedCredentialEntity credential : credentials) {
            if (FeedCredentialEntity.HMAC_SHA256.equals(credential.kind)
                    && RequestSignature.matches(secretOf(credential), timestamp, body, signature)) {
                matched = credential;
                break;
            }
        }
        if (matched == null) {
            return "invalid";
        }
        if (matched.expiredAt(now)) {
            return "expired";
        }
        int firstUse = entityManager.createNativeQuery("""
                        insert into feed_signature_seen (feed_id, signature_sha256, seen_at) values (:feedId, :hash, :now)
                        on conflict do nothing""")
                .setParameter("feedId", feed.feedId())
                .setParameter("hash", Tokens.sha256Hex(HexFormat.of().formatHex(signature)))
                .setParameter("now", now)
                .executeUpdate();
        return firstUse == 1 ? null : "replayed";
    }

    private byte[] secretOf(FeedCredentialEntity credential) {
        try {
            SecretCipher cipher = provisioning.cipher();
            if (!cipher.keyId().equals(credential.secretKeyId)) {
                LOG.warnf("Credential %s of feed %s is encrypted with key %s, not with the configured key %s.",
                        credential.credentialId, credential.feedId, credential.secretKeyId, cipher.keyId());
                return new byte[32];
            }
            return cipher.decrypt(credential.secretCiphertext, credential.credentialId);
        } catch (RuntimeException e) {
            LOG.warnf("Credential %s of feed %s cannot be used: %s", credential.credentialId, credential.feedId, e.getMessage());
            return new byte[32];
        }
    }

    /** Signatures older than twice the window can no longer be replayed (their timestamp is stale): forget them. */
    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void forgetOldSignatures() {
        entityManager.createNativeQuery("delete from feed_signature_seen where seen_at < :before")
                .setParameter("before", Instant.now().minus(config.credentials().signatureWindow().multipliedBy(2)))
                .executeUpdate();
    }

    private static String bearerToken(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
