-- A PMS feed: one way a tenant's PMS delivers changes. Its id is the pmsSystem of the events it produces.
create table feed (
    feed_id          varchar(64)  primary key,
    tenant_id        varchar(64)  not null,
    kind             varchar(32)  not null check (kind in ('OTA_XML', 'CANONICAL_JSON')),
    pms_system       varchar(128) not null,
    token_sha256     varchar(64)  not null,
    default_currency varchar(3),
    enabled          boolean      not null default true,
    created_at       timestamptz  not null default now()
);

-- Every accepted inbound message, once (message_id is name-based on feed + body hash, so a
-- retransmission of the identical body conflicts). The payload is stored with payment card data removed.
create table inbound_message (
    message_id     uuid         primary key,
    feed_id        varchar(64)  not null references feed (feed_id),
    received_at    timestamptz  not null,
    body_sha256    varchar(64)  not null,
    message_type   varchar(64)  not null,
    event_count    integer      not null,
    masked_payload text,
    constraint inbound_message_feed_body_unique unique (feed_id, body_sha256)
);

-- Transactional outbox: written in the same transaction as inbound_message, relayed to Kafka in id order.
create table outbox_event (
    id           bigserial    primary key,
    event_id     uuid         not null unique,
    message_id   uuid         not null references inbound_message (message_id),
    topic        varchar(128) not null,
    record_key   varchar(512) not null,
    record_type  varchar(128) not null,
    payload      bytea        not null,
    created_at   timestamptz  not null,
    sent_at      timestamptz
);

create index outbox_event_unsent on outbox_event (id) where sent_at is null;
