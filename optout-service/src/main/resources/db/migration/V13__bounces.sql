-- Soft bounces in a row per contact point (crm.communications): at optout.bounces.soft-bounces-as-hard the contact
-- point is treated as hard-bounced; a hard bounce, or an open or click proving delivery, starts the count again.
create table soft_bounce (
    tenant        varchar(100) not null,
    contact_point varchar(320) not null,
    consecutive   integer      not null,
    last_event_at timestamptz  not null,
    primary key (tenant, contact_point)
);
