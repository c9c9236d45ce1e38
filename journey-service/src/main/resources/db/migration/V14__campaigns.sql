-- Campaigns (issue 9): the local guest directory from crm.guests, campaigns, and one communication per (campaign,
-- guest).

-- crm.guests (compacted) as last said, one row per golden guest; a tombstone deletes the row. Personal data (the
-- marketing e-mail): never logged.
create table guest_directory (
    guest_id            varchar(100) primary key,
    tenant              varchar(100) not null,
    email               varchar(320),
    language            varchar(35),
    hotel_codes         text[]       not null default '{}',
    stay_count          integer      not null default 0,
    last_stay_departure date,
    total_spend         numeric(19, 4),
    spend_currency      varchar(3),
    version             bigint       not null,
    last_event_id       uuid         not null,
    updated_at          timestamp with time zone not null
);
create index guest_directory_tenant_hotels on guest_directory using gin (hotel_codes);
create index guest_directory_tenant on guest_directory (tenant);

create table campaign (
    id          uuid         primary key,
    tenant      varchar(100) not null,
    name        varchar(200) not null,
    channel     varchar(20)  not null,
    -- The segment: hotel codes, comma-separated (codes are checked to hold no comma).
    hotel_codes varchar(2000) not null,
    -- 'now' or the ISO-8601 instant it is due.
    schedule    varchar(40)  not null,
    due_at      timestamp with time zone,
    status      varchar(20)  not null,
    created_by  varchar(200),
    created_at  timestamp with time zone not null,
    launched_at timestamp with time zone,
    updated_at  timestamp with time zone not null
);
create index campaign_tenant on campaign (tenant, created_at);

-- A campaign message is a communication without a reservation: keyed by (campaign, guest), exactly once.
alter table communication add column campaign_id uuid;
alter table communication add column guest_id varchar(100);
alter table communication alter column pms_reservation_id drop not null;
create unique index communication_one_per_campaign_guest on communication (campaign_id, guest_id)
    where campaign_id is not null;
create index communication_of_guest on communication (guest_id) where guest_id is not null;
