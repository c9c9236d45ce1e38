-- Freshness and holds (issue 9): when the booking was made (PMS createdAt, else its first PMS modification time), and
-- whether the reservation is uncertain (missing from the PMS export: guest mails are HELD until the PMS settles it).
alter table reservation add column booked_at timestamp with time zone;
alter table reservation add column uncertain boolean not null default false;
-- The normalised address a communication went to (CommunicationEvent.contactPoint on SENT, FAILED, BOUNCED) and, on
-- BOUNCED, the bounce type (HARD).
alter table communication add column contact_point varchar(320);
alter table communication add column bounce_type varchar(10);
