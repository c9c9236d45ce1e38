-- History imports (issue 7): a job per uploaded file, resumable from its last committed line; the file is kept until the
-- job is done (a restarted replica resumes it), rejected rows with their line and the field at fault (never a value).
create table import_job (
    job_id           uuid         primary key,
    feed_id          varchar(64)  not null references feed (feed_id),
    tenant_id        varchar(64)  not null,
    format           varchar(16)  not null check (format in ('NDJSON')),
    state            varchar(16)  not null check (state in ('RUNNING', 'DONE', 'FAILED')),
    file_sha256      varchar(64)  not null,
    total_lines      bigint       not null,
    last_line        bigint       not null default 0,
    rows_read        bigint       not null default 0,
    rows_accepted    bigint       not null default 0,
    rows_rejected    bigint       not null default 0,
    rows_unchanged   bigint       not null default 0,
    events_emitted   bigint       not null default 0,
    failure          varchar(500),
    lease_owner      varchar(100),
    lease_until      timestamptz,
    created_at       timestamptz  not null,
    started_at       timestamptz,
    finished_at      timestamptz,
    created_by       varchar(200)
);
create index import_job_running on import_job (created_at) where state = 'RUNNING';

create table import_file (
    job_id   uuid  primary key references import_job (job_id) on delete cascade,
    content  bytea
);

create table import_rejection (
    job_id   uuid         not null references import_job (job_id) on delete cascade,
    line     bigint       not null,
    field    varchar(300) not null,
    reason   varchar(300) not null,
    primary key (job_id, line, field)
);

-- Imported events carry correlation id "import:<jobId>" (the correlation-id header marks them as history); they come
-- from no inbound message, so message_id is null for them and stays the inbound message id for pushes.
alter table outbox_event drop column message_id;
alter table outbox_event add column message_id uuid
    generated always as (case when correlation_id like 'import:%' then null else correlation_id::uuid end) stored
    references inbound_message (message_id);
