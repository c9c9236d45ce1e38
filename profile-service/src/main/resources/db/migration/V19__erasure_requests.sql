-- Erasure requests from crm.erasures (ErasureRequested): a request names the guest, contact points as ContactPointRef
-- pseudonyms (cp1_...) or PMS profiles. Each contact point row keeps its reference beside the address, so a request
-- is resolved without hashing the tenant's addresses; rows from before V19 get it here (the same hash as
-- service-platform's ContactPointRef: cp1_ + base64url of the first 18 bytes of SHA-256(tenant NUL kind NUL value)).
alter table guest_contact_point add column ref varchar(40);
update guest_contact_point set ref = 'cp1_' || translate(encode(substring(sha256(
        convert_to(tenant, 'UTF8') || '\x00'::bytea || convert_to(kind, 'UTF8') || '\x00'::bytea
        || convert_to(value, 'UTF8')) from 1 for 18), 'base64'), '+/', '-_');
create index guest_contact_point_ref_idx on guest_contact_point (tenant, ref);

-- One row per request handled (ids and counts only): a replay finds it, and a request naming nobody known is
-- recorded as done with nothing erased.
create table erasure_request (
    tenant        varchar(100) not null,
    erasure_id    uuid         not null,
    requested_by  varchar(20)  not null,
    confirmed_at  timestamptz,
    handled_at    timestamptz  not null,
    guests_erased integer      not null,
    primary key (tenant, erasure_id)
);
