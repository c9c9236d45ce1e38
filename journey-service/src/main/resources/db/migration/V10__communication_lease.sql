-- Lease-and-send: the dispatcher claims due communications (lease owner = its instance id, lease expiry) in a short
-- transaction, sends outside any transaction, and records the outcome only while the claim is still its own.
-- An expired lease makes the communication claimable again (crash recovery); a lease found set at claim time means the
-- previous claim ended without an outcome (an ambiguous re-send, counted).
alter table communication add column lease_owner varchar(200);
alter table communication add column lease_expires_at timestamp with time zone;

-- The claim's scan: pending communications by the time they are due, with the lease expiry in the index so leased rows
-- are passed over without visiting the table.
drop index communication_pending_due;
create index communication_claimable on communication (coalesce(next_attempt_at, due_at)) include (lease_expires_at)
    where status in ('SCHEDULED', 'RESCHEDULED');
