-- service-platform's ContactPointRef in SQL (cp1_ + base64url of the first 18 bytes of
-- SHA-256(tenant NUL kind NUL normalised)): how an erasure request, which names contact points only by reference,
-- finds the leads and reservations holding them. ErasureTest checks it against the Java implementation.
create function desk_contact_ref(tenant text, kind text, normalised text) returns text
    language sql immutable strict as $$
    select 'cp1_' || rtrim(translate(encode(substring(sha256(
               convert_to(tenant, 'UTF8') || '\x00'::bytea || convert_to(kind, 'UTF8') || '\x00'::bytea
               || convert_to(normalised, 'UTF8')) from 1 for 18), 'base64'), '+/', '-_'), '=')
$$;

-- A lead whose guest asked to be forgotten (crm.erasures): contact details, message and guest ids are gone, the
-- figures (hotel, stay, rooms, status, times) stay.
alter table lead add column erased_at timestamptz;

-- The erasure requests applied here (one row per request id; a replay with another event id changes nothing more).
create table erasure_applied (
    erasure_id           uuid         primary key,
    tenant               varchar(100) not null,
    leads_erased         integer      not null,
    reservations_erased  integer      not null,
    tasks_unlinked       integer      not null,
    applied_at           timestamptz  not null
);

-- The consent ledger's latest state per crm.consents key (compacted), for the consent rate. The key names the
-- contact point, so only its SHA-256 is stored: no address is held here. A tombstone (erasure) deletes the row.
create table consent_point (
    key_hash      varchar(64)  primary key,
    tenant        varchar(100) not null,
    hotel_code    varchar(100),                              -- the hotel it was given at or scoped to; null = tenant
    channel       varchar(20)  not null,
    purpose       varchar(30)  not null,
    status        varchar(20)  not null,
    effective_at  timestamptz  not null,
    occurred_at   timestamptz  not null,
    updated_at    timestamptz  not null
);
create index consent_point_tenant on consent_point (tenant, purpose, hotel_code);

-- Consent changes per (tenant, hotel or '' for the tenant, UTC day of the change, channel, purpose): opt-outs (a point
-- that became WITHDRAWN) and opt-ins (became GRANTED), counted once per change, in the change's transaction.
create table consent_tally (
    tenant     varchar(100) not null,
    hotel_code varchar(100) not null,
    day        date         not null,
    channel    varchar(20)  not null,
    purpose    varchar(30)  not null,
    opt_outs   bigint       not null,
    opt_ins    bigint       not null,
    primary key (tenant, hotel_code, day, channel, purpose)
);

-- Golden-record merges and splits per tenant and UTC day, from crm.guest-merges (duplicates merged).
create table merge_tally (
    tenant        varchar(100) not null,
    day           date         not null,
    merges        bigint       not null,
    guests_merged bigint       not null,
    splits        bigint       not null,
    primary key (tenant, day)
);
