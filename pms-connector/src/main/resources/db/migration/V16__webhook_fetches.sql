-- Thin webhooks with fetch (issue 7): feeds of kind APALEO_WEBHOOK and MEWS_WEBHOOK, the PMS API each one fetches from,
-- and one row per entity a webhook named. A notification is recorded (the row set pending, its generation counted up)
-- before the webhook is answered; the fetch worker claims pending rows with a lease, fetches the entity's current state
-- outside any transaction, and records the events and "fetched" in one transaction. A notification that arrives while a
-- fetch runs counts the generation up, so the row stays pending and the entity is fetched again.
alter table feed drop constraint if exists feed_kind_check;
alter table feed add constraint feed_kind_check
    check (kind in ('OTA_XML', 'CANONICAL_JSON', 'APALEO_WEBHOOK', 'MEWS_WEBHOOK'));

create table feed_pms_api (
    feed_id            varchar(64)   primary key references feed (feed_id),
    base_url           varchar(2048) not null,
    -- apaleo: {"accessToken"}; Mews: {"clientToken", "accessToken"}; AES-256-GCM under connector.credentials.encryption-key
    -- with the feed id as associated data, like the feeds' HMAC secrets
    secret_ciphertext  bytea         not null,
    secret_key_id      varchar(32)   not null,
    max_concurrency    integer,
    updated_at         timestamptz   not null
);

create table webhook_fetch (
    feed_id            varchar(64)   not null references feed (feed_id),
    entity_type        varchar(16)   not null check (entity_type in ('RESERVATION', 'CUSTOMER')),
    entity_id          varchar(190)  not null,
    -- what the last notification said (apaleo type such as set-to-no-show, Mews discriminator), for the record only
    last_notice        varchar(64),
    enterprise_id      varchar(64),
    generation         bigint        not null default 1,
    notifications      bigint        not null default 1,
    state              varchar(16)   not null check (state in ('PENDING', 'FETCHED', 'FAILED')),
    attempts           integer       not null default 0,
    next_attempt_at    timestamptz   not null,
    lease_until        timestamptz,
    last_error         varchar(500),
    first_notified_at  timestamptz   not null,
    notified_at        timestamptz   not null,
    fetched_at         timestamptz,
    primary key (feed_id, entity_type, entity_id)
);
create index webhook_fetch_due on webhook_fetch (next_attempt_at) where state = 'PENDING';
