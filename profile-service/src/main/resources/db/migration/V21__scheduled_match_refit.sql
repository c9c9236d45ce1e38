-- The nightly refit of the per-tenant match parameters (ScheduledMatchRefit): one row per night's slot, inserted by
-- the replica that runs it (a second replica's insert conflicts, so it does nothing). No personal data.
create table match_refit_run (
    slot           timestamptz primary key,
    started_at     timestamptz not null,
    finished_at    timestamptz,
    tenants_refit  integer,
    accepted       integer,
    skipped        integer
);
