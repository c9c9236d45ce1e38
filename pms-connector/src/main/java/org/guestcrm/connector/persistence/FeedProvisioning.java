package org.guestcrm.connector.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.SecretCipher;
import org.guestcrm.connector.domain.Tokens;
import org.jboss.logging.Logger;

/**
 * Creates feeds and manages their credentials: at most {@link #MAX_VALID_CREDENTIALS} valid (not revoked, not
 * expired) at once per feed, so a PMS can rotate: issue the new one, switch over, revoke the old one. Tokens and
 * secrets are returned once, to the caller, and never logged; only hashes and ciphertexts are stored.
 * (The feed administration API of a later issue calls this; today the demo feeds and the tests do.)
 */
@ApplicationScoped
public class FeedProvisioning {

    private static final Logger LOG = Logger.getLogger(FeedProvisioning.class);
    public static final int MAX_VALID_CREDENTIALS = 2;

    /** A credential just issued: its id and its token or secret (shown once). */
    public record Issued(String credentialId, String secret) {
    }

    /** Refused because the feed already has two valid credentials, or does not exist. */
    public static class CredentialRefused extends RuntimeException {
        CredentialRefused(String message) {
            super(message);
        }
    }

    @Inject
    FeedDirectory directory;

    @Inject
    EntityManager entityManager;

    @Inject
    ConnectorConfig config;

    /** Creates the feed, or updates its tenant, kind and description; credentials are kept. */
    @Transactional
    public void upsertFeed(String feedId, String tenantId, FeedKind kind, String pmsSystem) {
        entityManager.createNativeQuery("""
                        insert into feed (feed_id, tenant_id, kind, pms_system, enabled, created_at)
                        values (:feedId, :tenant, :kind, :pmsSystem, true, now())
                        on conflict (feed_id) do update set tenant_id = excluded.tenant_id, kind = excluded.kind,
                            pms_system = excluded.pms_system, enabled = true""")
                .setParameter("feedId", feedId)
                .setParameter("tenant", tenantId)
                .setParameter("kind", kind.name())
                .setParameter("pmsSystem", pmsSystem)
                .executeUpdate();
    }

    /** A new random bearer token (256 bits) for the feed; only its SHA-256 is stored. */
    @Transactional
    public Issued issueBearerToken(String feedId, Instant expiresAt) {
        String token = SecretCipher.randomToken(32);
        String id = add(feedId, FeedCredentialEntity.BEARER, Tokens.sha256Hex(token), null, null, expiresAt, newId(feedId));
        return new Issued(id, token);
    }

    /**
     * Stores a bearer token the caller already holds (the demo token) under a fixed id unless the feed already has it;
     * one statement, safe when several replicas start at once.
     */
    @Transactional
    public void ensureBearerTokenHash(String feedId, String credentialId, String tokenSha256) {
        entityManager.createNativeQuery("""
                        insert into feed_credential (credential_id, feed_id, kind, token_sha256, created_at)
                        select :id, :feedId, 'BEARER', :hash, now()
                        where not exists (select 1 from feed_credential
                                          where feed_id = :feedId and token_sha256 = :hash and revoked_at is null)
                        on conflict (credential_id) do update set token_sha256 = excluded.token_sha256, revoked_at = null""")
                .setParameter("id", credentialId)
                .setParameter("feedId", feedId)
                .setParameter("hash", tokenSha256)
                .executeUpdate();
    }

    /** A new random HMAC-SHA256 secret (256 bits) for the feed, stored encrypted with the configured key. */
    @Transactional
    public Issued issueHmacSecret(String feedId, Instant expiresAt) {
        SecretCipher cipher = cipher();
        String secret = SecretCipher.randomToken(32);
        String id = newId(feedId);
        add(feedId, FeedCredentialEntity.HMAC_SHA256, null, cipher.encrypt(secret.getBytes(StandardCharsets.UTF_8), id),
                cipher.keyId(), expiresAt, id);
        return new Issued(id, secret);
    }

    /** Revokes a credential at once; requests with it are refused from now on. */
    @Transactional
    public void revoke(String credentialId) {
        directory.changed();
        FeedCredentialEntity credential = FeedCredentialEntity.findById(credentialId);
        if (credential != null && credential.revokedAt == null) {
            credential.revokedAt = Instant.now();
            LOG.infof("Credential %s of feed %s revoked.", credentialId, credential.feedId);
        }
    }

    /** The cipher of the configured key, or a refusal naming the setting when there is none. */
    public SecretCipher cipher() {
        return config.credentials().encryptionKey().filter(k -> !k.isBlank()).map(SecretCipher::fromBase64)
                .orElseThrow(() -> new CredentialRefused("HMAC credentials need connector.credentials.encryption-key "
                        + "(CONNECTOR_CREDENTIALS_ENCRYPTION_KEY, base64 of 32 bytes)."));
    }

    private String add(String feedId, String kind, String tokenSha256, byte[] ciphertext, String keyId,
                       Instant expiresAt, String credentialId) {
        directory.changed();
        FeedEntity feed = entityManager.find(FeedEntity.class, feedId, LockModeType.PESSIMISTIC_WRITE);
        if (feed == null) {
            throw new CredentialRefused("No feed " + feedId + " exists.");
        }
        Instant now = Instant.now();
        List<FeedCredentialEntity> valid = FeedCredentialEntity.<FeedCredentialEntity>list(
                        "feedId = ?1 and revokedAt is null", feedId).stream()
                .filter(c -> !c.expiredAt(now)).toList();
        if (valid.size() >= MAX_VALID_CREDENTIALS) {
            throw new CredentialRefused("Feed " + feedId + " already has " + MAX_VALID_CREDENTIALS
                    + " valid credentials; revoke one before issuing another.");
        }
        FeedCredentialEntity credential = new FeedCredentialEntity();
        credential.credentialId = credentialId;
        credential.feedId = feedId;
        credential.kind = kind;
        credential.tokenSha256 = tokenSha256;
        credential.secretCiphertext = ciphertext;
        credential.secretKeyId = keyId;
        credential.createdAt = now;
        credential.expiresAt = expiresAt;
        credential.persist();
        LOG.infof("Credential %s (%s) issued for feed %s.", credentialId, kind, feedId);
        return credentialId;
    }

    private static String newId(String feedId) {
        return "cred-" + UUID.randomUUID();
    }
}
