-- service-platform's outbox relay: a row that keeps failing is parked after a bounded number of counted attempts
-- (attempts, last_error, parked_at) and only its key waits; ids come from the sequence in blocks of 50 so inserts
-- are batched (Hibernate's pooled optimizer, allocationSize 50).
alter table outbox_event add column attempts integer not null default 0;
alter table outbox_event add column last_error varchar(500);
alter table outbox_event add column parked_at timestamptz;
-- The identity column becomes a plain sequence (Hibernate validates sequences, and an identity's is hidden from it);
-- the next block of 50 starts after the highest id held.
alter table outbox_event alter column id drop identity if exists;
create sequence outbox_event_id_seq increment by 50 owned by outbox_event.id;
select setval('outbox_event_id_seq', coalesce((select max(id) from outbox_event), 0) + 50, false);
alter table outbox_event alter column id set default nextval('outbox_event_id_seq');
-- The relay's round: unsent, unparked rows in id order; and the parked rows that hold their key back.
create index outbox_event_relay on outbox_event (id) where sent_at is null and parked_at is null;
create index outbox_event_parked on outbox_event (topic, record_key) where sent_at is null and parked_at is not null;
