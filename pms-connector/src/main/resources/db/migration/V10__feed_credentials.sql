-- Feed credentials: up to two valid at once per feed, so a PMS can rotate (issue the new one, switch, revoke the old).
-- BEARER: only the SHA-256 of a high-entropy token is stored. HMAC_SHA256: the secret must be readable to verify a
-- signature, so it is stored AES-256-GCM encrypted under a key from the environment (secret_key_id names that key).
create table feed_credential (
    credential_id     varchar(64)  primary key,
    feed_id           varchar(64)  not null references feed (feed_id),
    kind              varchar(16)  not null check (kind in ('BEARER', 'HMAC_SHA256')),
    token_sha256      varchar(64),
    secret_ciphertext bytea,
    secret_key_id     varchar(32),
    created_at        timestamptz  not null default now(),
    expires_at        timestamptz,
    revoked_at        timestamptz,
    constraint feed_credential_material check (
        (kind = 'BEARER' and token_sha256 is not null and secret_ciphertext is null)
        or (kind = 'HMAC_SHA256' and token_sha256 is null and secret_ciphertext is not null and secret_key_id is not null))
);
create index feed_credential_feed on feed_credential (feed_id) where revoked_at is null;

-- The token each feed had becomes its first credential.
insert into feed_credential (credential_id, feed_id, kind, token_sha256, created_at)
select feed_id || '-initial', feed_id, 'BEARER', token_sha256, created_at from feed;
alter table feed drop column token_sha256;

-- Signatures already used, per feed, kept for the replay window (plus margin); a second use is a replay.
create table feed_signature_seen (
    feed_id          varchar(64) not null references feed (feed_id),
    signature_sha256 varchar(64) not null,
    seen_at          timestamptz not null,
    primary key (feed_id, signature_sha256)
);
create index feed_signature_seen_at on feed_signature_seen (seen_at);
