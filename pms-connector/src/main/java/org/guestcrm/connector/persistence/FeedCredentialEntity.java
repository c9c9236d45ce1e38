package org.guestcrm.connector.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One credential of a feed: a bearer token's SHA-256, or an encrypted HMAC secret. */
@Entity
@Table(name = "feed_credential")
public class FeedCredentialEntity extends PanacheEntityBase {

    public static final String BEARER = "BEARER";
    public static final String HMAC_SHA256 = "HMAC_SHA256";

    @Id
    @Column(name = "credential_id")
    public String credentialId;

    @Column(name = "feed_id", nullable = false)
    public String feedId;

    @Column(name = "kind", nullable = false)
    public String kind;

    @Column(name = "token_sha256")
    public String tokenSha256;

    @Column(name = "secret_ciphertext")
    public byte[] secretCiphertext;

    @Column(name = "secret_key_id")
    public String secretKeyId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
