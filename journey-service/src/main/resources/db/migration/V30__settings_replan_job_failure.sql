-- A settings re-plan job whose page keeps failing (a reservation the planner cannot plan) stops (issue 9): the page is
-- tried up to SettingsReplanJobs.MAX_PAGE_ATTEMPTS times, then the job is FAILED with the reason (exception classes,
-- never a value of the row) and the key of the reservation that stopped it. A later PUT of the level writes a new job.
alter table settings_replan_job add column attempts           integer      not null default 0;
alter table settings_replan_job add column failure_reason     varchar(500);
alter table settings_replan_job add column failed_hotel       varchar(100);
alter table settings_replan_job add column failed_reservation varchar(200);
