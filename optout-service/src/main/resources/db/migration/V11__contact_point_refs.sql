-- Opaque references to contact points (service-platform's ContactPointRef): guest links (unsubscribe, preference
-- centre) carry "cp1_..." instead of the address, so addresses stay out of URLs, browser histories and access logs.
-- The reference is stored beside every contact point this service holds, so a link resolves with one indexed look-up.

-- The same value as ContactPointRef.of(tenant, kind, value): 'cp1_' + base64url (no padding) of the first 18 bytes of
-- SHA-256(tenant NUL kind NUL value). Used for the backfill below; the service computes it in Java for new rows, and a
-- test checks that both agree.
create function optout_contact_point_ref(p_tenant text, p_kind text, p_value text) returns text
language sql immutable strict as $$
    select 'cp1_' || translate(rtrim(encode(substring(sha256(convert_to(p_tenant, 'UTF8') || '\x00'::bytea
        || convert_to(p_kind, 'UTF8') || '\x00'::bytea || convert_to(p_value, 'UTF8')) from 1 for 18), 'base64'), '='),
        '+/', '-_')
$$;

-- Every contact point held (from a PMS profile, a consent statement, a bounce), with its reference.
create table known_contact_point (
    tenant        varchar(100) not null,
    ref           varchar(40)  not null,
    kind          varchar(10)  not null check (kind in ('EMAIL', 'PHONE')),
    value         varchar(320) not null,
    first_seen_at timestamptz  not null default now(),
    primary key (tenant, ref),
    constraint known_contact_point_value unique (tenant, kind, value)
);

-- Backfill: the contact points of PMS profiles and of the consent states held before this version.
insert into known_contact_point (tenant, ref, kind, value)
select distinct tenant, optout_contact_point_ref(tenant, kind, value), kind, value from profile_contact_point
on conflict do nothing;
insert into known_contact_point (tenant, ref, kind, value)
select distinct tenant, optout_contact_point_ref(tenant, k.kind, contact_point), k.kind, contact_point
from consent_state, lateral (select case when channel = 'EMAIL' then 'EMAIL' else 'PHONE' end as kind) k
on conflict do nothing;
