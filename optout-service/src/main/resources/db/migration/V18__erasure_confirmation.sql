-- A guest's erasure request from the preference centre is confirmed by a second mail: one row per request, named by
-- the contact point's reference (never the address), with the expiry of its signed link and when it was used (a link
-- works once). The confirmation mail itself is a preference_link_mail row of kind ERASURE naming this row.
create table erasure_confirmation (
    id           uuid         primary key,
    tenant       varchar(100) not null,
    ref          varchar(40)  not null,
    lang         varchar(5)   not null,
    requested_at timestamptz  not null,
    expires_at   timestamptz  not null,
    used_at      timestamptz,
    erasure_id   uuid
);
create index erasure_confirmation_ref on erasure_confirmation (tenant, ref, requested_at);

alter table preference_link_mail add column kind varchar(20) not null default 'PREFERENCES'
    check (kind in ('PREFERENCES', 'ERASURE'));
alter table preference_link_mail add column confirmation_id uuid references erasure_confirmation (id);
