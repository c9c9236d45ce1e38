-- Daily export files (issue 7): a feed's column mapping, each export received (diffed with the previous one), and which
-- reservations the last export listed. missing_since is set when a reservation of the previous export is absent from a
-- later one while its arrival is still inside the window: the connector emitted MISSING_FROM_EXPORT (status unchanged,
-- downstream holds guest mails) and counts it unsettled until an export lists it again.
create table export_mapping (
    feed_id      varchar(64)  primary key references feed (feed_id),
    mapping      text         not null,
    updated_at   timestamptz  not null default now()
);

create table export_file (
    export_id        uuid         primary key,
    feed_id          varchar(64)  not null references feed (feed_id),
    body_sha256      varchar(64)  not null,
    received_at      timestamptz  not null,
    exported_at      timestamptz  not null,
    window_start     date         not null,
    rows_read        integer      not null,
    rows_accepted    integer      not null,
    rows_rejected    integer      not null,
    rows_unchanged   integer      not null,
    events_emitted   integer      not null,
    missing_emitted  integer      not null,
    settled          integer      not null,
    rejections       text         not null,
    unique (feed_id, body_sha256)
);

create table export_presence (
    feed_id            varchar(64)  not null references feed (feed_id),
    aggregate_id       varchar(400) not null,
    last_export_id     uuid         not null,
    missing_since      timestamptz,
    primary key (feed_id, aggregate_id)
);
create index export_presence_unsettled on export_presence (feed_id) where missing_since is not null;

-- Events of an export carry correlation id "export:<exportId>": like history
-- imports they come from no inbound message row, so message_id is null for them.
alter table outbox_event drop column message_id;
alter table outbox_event add column message_id uuid
    generated always as (case when correlation_id like 'import:%' or correlation_id like 'export:%' then null
                              else correlation_id::uuid end) stored
    references inbound_message (message_id);
