-- Erasures (issue 9, crm.erasures): the ContactPointRef pseudonyms (service-platform, cp1_...) of the lead guest's
-- e-mail and phone and the guest's PMS profile, so an ErasureRequested (which carries references, never addresses)
-- finds the reservations of the person; an erased reservation keeps its booking but no guest data, and later PMS
-- snapshots do not bring the data back.
alter table reservation add column guest_email_ref varchar(40);
alter table reservation add column guest_phone_ref varchar(40);
alter table reservation add column guest_profile_id varchar(200);
alter table reservation add column guest_erased boolean not null default false;
create index reservation_guest_email_ref on reservation (tenant, guest_email_ref) where guest_email_ref is not null;
create index reservation_guest_phone_ref on reservation (tenant, guest_phone_ref) where guest_phone_ref is not null;
create index reservation_guest_profile on reservation (tenant, pms_system, guest_profile_id)
    where guest_profile_id is not null;
