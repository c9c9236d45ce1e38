-- Raw archive replay (issue 7 "a feed can be replayed for a time range after a mapping fix", issue 11).
-- refused_message: a push the connector refused although its body was readable (an OTA document, a canonical JSON
-- reservation), kept card-free with the reason (field names, never values), so a replay after a fix can accept it.
-- One row per feed and body: a PMS retrying the same refused body counts up times_refused. accepted_* is set when a
-- replay accepted it (it is then an inbound_message like any other and is not replayed from here again).
create table refused_message (
    refused_id           uuid          primary key,
    feed_id              varchar(64)   not null references feed (feed_id),
    received_at          timestamptz   not null,
    last_refused_at      timestamptz   not null,
    times_refused        integer       not null default 1,
    body_sha256          varchar(64)   not null,
    message_type         varchar(64)   not null,
    reason               varchar(1000) not null,
    masked_payload       text,
    accepted_at          timestamptz,
    accepted_message_id  uuid,
    constraint refused_message_feed_body_unique unique (feed_id, body_sha256)
);
create index refused_message_feed_received on refused_message (feed_id, received_at) where accepted_at is null;

-- Every replay of a feed: who asked, the range, what it found (the audit trail's entry names the request; this row the
-- outcome).
create table feed_replay (
    replay_id       uuid          primary key,
    feed_id         varchar(64)   not null references feed (feed_id),
    tenant_id       varchar(64)   not null,
    requested_by    varchar(200)  not null,
    range_from      timestamptz   not null,
    range_to        timestamptz   not null,
    messages        integer       not null default 0,
    re_emitted      integer       not null default 0,
    unchanged       integer       not null default 0,
    refused         integer       not null default 0,
    not_replayable  integer       not null default 0,
    events_emitted  integer       not null default 0,
    started_at      timestamptz   not null,
    finished_at     timestamptz
);
create index feed_replay_feed on feed_replay (feed_id, started_at desc);

-- Retry of a FAILED write-back job by an admin: back to PENDING with attempts reset; who and when is kept.
alter table write_back_job add column retries integer not null default 0;
alter table write_back_job add column retried_at timestamptz;
alter table write_back_job add column retried_by varchar(200);
