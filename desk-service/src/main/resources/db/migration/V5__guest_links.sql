-- Which golden guest (crm.guests) holds which PMS profile: how a lead and its tasks learn their guestId.
create table guest_link (
    link_key       varchar(420) primary key,                -- tenant|pmsSystem|pmsProfileId
    tenant         varchar(100) not null,
    pms_system     varchar(100) not null,
    pms_profile_id varchar(200) not null,
    guest_id       varchar(100) not null,
    updated_at     timestamptz  not null
);
create index guest_link_guest on guest_link (guest_id);

-- The golden guests seen on crm.guests / crm.guest-merges: the last version applied, and whether the guest is gone
-- (merged away, then into whom; or erased). A late record of a guest that is gone changes nothing.
create table guest_seen (
    guest_id    varchar(100) primary key,
    tenant      varchar(100),                               -- unknown for a guest known only by its tombstone
    version     bigint       not null,
    gone        boolean      not null default false,
    merged_into varchar(100),
    updated_at  timestamptz  not null
);

create index lead_guest on lead (guest_id) where guest_id is not null;
create index lead_profile on lead (tenant, pms_profile_id) where pms_profile_id is not null;
create index task_guest on task (guest_id) where guest_id is not null;
create index reservation_state_profile on reservation_state (tenant, pms_profile_id) where pms_profile_id is not null;
