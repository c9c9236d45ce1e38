-- The guest's preference centre: pauses of marketing, the links mailed on request (and the rate limits of requests),
-- guests' requests (correction, download, erasure), erasure suppressions (a hash only) and the guests' activity trail.

-- "Pause marketing for N months": the withdrawal recorded for the pause (entry_id) is undone at resume_at, unless a
-- newer statement has changed that consent since (then the pause is over without a change).
create table marketing_pause (
    id            uuid         primary key,
    tenant        varchar(100) not null,
    contact_point varchar(320) not null,
    channel       varchar(20)  not null,
    purpose       varchar(40)  not null,
    entry_id      uuid         not null references consent_entry (id),
    resume_at     timestamptz  not null,
    created_at    timestamptz  not null,
    resumed_at    timestamptz,
    outcome       varchar(40)
);
create index marketing_pause_due on marketing_pause (resume_at) where resumed_at is null;
create index marketing_pause_contact_point on marketing_pause (tenant, contact_point);

-- A preference-centre link a guest asked to be mailed (only for a contact point held: ref resolves it at send time).
-- Sent by a leased worker: claimed (claimed_until) and committed, mailed outside any transaction, outcome recorded; the
-- Message-ID is fixed by the row id before sending.
create table preference_link_mail (
    id            bigserial    primary key,
    tenant        varchar(100) not null,
    ref           varchar(40)  not null,
    lang          varchar(5)   not null,
    created_at    timestamptz  not null,
    claimed_until timestamptz,
    attempts      integer      not null default 0,
    last_error    varchar(200),
    sent_at       timestamptz,
    outcome       varchar(40)
);
create index preference_link_mail_due on preference_link_mail (id) where sent_at is null;

-- Requests for a link, known address or not, for the rate limits: hashes only (of the address and of the client).
create table link_request (
    id           bigserial    primary key,
    tenant       varchar(100) not null,
    address_hash varchar(80)  not null,
    client_hash  varchar(80)  not null,
    requested_at timestamptz  not null
);
create index link_request_address on link_request (address_hash, requested_at);
create index link_request_client on link_request (client_hash, requested_at);

-- What a guest asked for through the centre: CORRECTION, DOWNLOAD, ERASURE; named by reference, or (erasure) by hash.
create table guest_request (
    id           uuid         primary key,
    tenant       varchar(100) not null,
    subject      varchar(80)  not null,
    kind         varchar(20)  not null check (kind in ('CORRECTION', 'DOWNLOAD', 'ERASURE')),
    status       varchar(20)  not null,
    requested_at timestamptz  not null,
    detail       varchar(200)
);
create index guest_request_tenant on guest_request (tenant, requested_at);

-- Erased contact points: only a hash (never the address), so the person is never granted or mailed again.
create table suppression (
    tenant     varchar(100) not null,
    hash       varchar(80)  not null,
    reason     varchar(40)  not null,
    created_at timestamptz  not null,
    primary key (tenant, hash)
);

-- Every access and change through the guests' pages: when, which contact point (by reference), what, from where.
create table guest_activity (
    id             bigserial    primary key,
    occurred_at    timestamptz  not null,
    tenant         varchar(100) not null,
    subject        varchar(80),
    action         varchar(60)  not null,
    source_address varchar(100),
    user_agent     varchar(300),
    outcome        integer      not null
);
create index guest_activity_tenant on guest_activity (tenant, occurred_at);
