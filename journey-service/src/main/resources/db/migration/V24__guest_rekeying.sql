-- Guest merge and split (issue 9). communication.previous_guest_id: the guest a message was re-keyed from (a merge
-- moved it to the survivor). guest_source_profile: which golden guest each PMS profile belongs to (crm.guests'
-- sourceProfiles, moved by crm.guest-merges), so a reservation's messages are found by guest (its lead guest's
-- profile) and a split knows which reservations went to the split-off guest.
alter table communication add column previous_guest_id varchar(100);

create table guest_source_profile (
    tenant         varchar(100) not null,
    pms_system     varchar(200) not null,
    pms_profile_id varchar(200) not null,
    guest_id       varchar(100) not null,
    updated_at     timestamptz  not null,
    primary key (tenant, pms_system, pms_profile_id)
);
create index guest_source_profile_guest on guest_source_profile (guest_id);
