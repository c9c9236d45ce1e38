-- Postal addresses are contact points too (POST consent, the PMS flag postOptIn), keyed by service-platform's
-- ContactPointNormaliser.postal: "CH|8001|bahnhofstrasse 1" (country, postcode, first street line, folded).
alter table profile_contact_point drop constraint profile_contact_point_kind_check;
alter table profile_contact_point add constraint profile_contact_point_kind_check check (kind in ('EMAIL', 'PHONE', 'POSTAL'));
alter table known_contact_point drop constraint known_contact_point_kind_check;
alter table known_contact_point add constraint known_contact_point_kind_check check (kind in ('EMAIL', 'PHONE', 'POSTAL'));
alter table guest_contact_point drop constraint guest_contact_point_kind_check;
alter table guest_contact_point add constraint guest_contact_point_kind_check check (kind in ('EMAIL', 'PHONE', 'POSTAL'));
