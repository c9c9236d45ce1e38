-- Survivorship by source trust (profile-service Survivorship): contact points keep their provenance's trust and why
-- a point is not the guest's marketing address; the guest remembers where each field came from.
alter table guest_contact_point
    add column source_trust      varchar(20),
    add column not_for_marketing varchar(40);
alter table guest
    add column field_sources jsonb;
-- Bounded GuestUpdated: a fingerprint of what crm.guests last carried for the guest; an unchanged one publishes nothing.
alter table guest
    add column published_fingerprint varchar(64);
