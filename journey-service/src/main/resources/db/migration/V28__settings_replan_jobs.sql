-- The settings re-plan as a resumable background job (issue 9, settings.SettingsReplanJobs): a PUT of journey
-- settings writes its job in the settings' own transaction; a worker of any replica takes it under a lease and walks
-- the reservations page by page, each page and the job's cursor (after_hotel, after_id) committed together, so a
-- crash resumes after the last page committed and a replica that lost its lease stops. A later PUT of the same level
-- while the job is pending starts it again from the beginning (one pending job per tenant and hotel).
create table settings_replan_job (
    id               uuid         primary key,
    tenant           varchar(100) not null,
    -- '' for the tenant's own settings (every hotel of the tenant)
    hotel_code       varchar(100) not null default '',
    status           varchar(20)  not null,
    after_hotel      varchar(100) not null default '',
    after_id         varchar(200) not null default '',
    pages            integer      not null default 0,
    reservations     integer      not null default 0,
    changes          integer      not null default 0,
    requested_by     varchar(200),
    requested_at     timestamptz  not null,
    lease_owner      varchar(200),
    lease_expires_at timestamptz,
    updated_at       timestamptz  not null,
    finished_at      timestamptz
);
create unique index settings_replan_job_one_pending on settings_replan_job (tenant, hotel_code) where status = 'PENDING';
create index settings_replan_job_pending on settings_replan_job (requested_at) where status = 'PENDING';
