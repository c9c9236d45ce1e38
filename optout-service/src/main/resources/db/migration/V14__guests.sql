-- The golden guests of profile-service (crm.guests, crm.guest-merges) as far as consent needs them: which guest holds
-- which contact point now, and which guest a merged-away one lives on in. Contact points normalised like the ledger's
-- (lower-case e-mail, E.164 phone).
create table guest (
    guest_id    varchar(100) primary key,
    tenant      varchar(100) not null,
    version     bigint       not null,
    merged_into varchar(100),
    updated_at  timestamptz  not null
);

create table guest_contact_point (
    guest_id varchar(100) not null references guest (guest_id),
    tenant   varchar(100) not null,
    kind     varchar(10)  not null check (kind in ('EMAIL', 'PHONE')),
    value    varchar(320) not null,
    primary key (guest_id, kind, value)
);
create index guest_contact_point_lookup_idx on guest_contact_point (tenant, value);
