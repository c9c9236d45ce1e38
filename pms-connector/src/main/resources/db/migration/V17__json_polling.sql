-- Polling a generic JSON "changes since" API (issue 7, delivery mode 4): feeds of kind JSON_POLLING, their poll interval,
-- the persisted cursor per feed (advanced in the transaction of the events of each page, so a restart resumes after the
-- last committed page and an outage is caught up from it), and the changes refused (reservation id and field names,
-- never values; the cursor moves past them so one bad change never stops a feed).
alter table feed drop constraint if exists feed_kind_check;
alter table feed add constraint feed_kind_check
    check (kind in ('OTA_XML', 'CANONICAL_JSON', 'APALEO_WEBHOOK', 'MEWS_WEBHOOK', 'JSON_POLLING'));

alter table feed_pms_api add column poll_interval_seconds integer;

create table feed_poll (
    feed_id           varchar(64)   primary key references feed (feed_id),
    poll_cursor       varchar(200)  not null default '0',
    next_poll_at      timestamptz   not null default now(),
    lease_until       timestamptz,
    attempts          integer       not null default 0,
    last_error        varchar(500),
    last_polled_at    timestamptz,
    changes_received  bigint        not null default 0,
    changes_rejected  bigint        not null default 0
);

create table poll_rejection (
    feed_id             varchar(64)   not null references feed (feed_id),
    poll_cursor         varchar(200)  not null,
    item_index          integer       not null,
    pms_reservation_id  varchar(190),
    fields              varchar(1000) not null,
    rejected_at         timestamptz   not null,
    primary key (feed_id, poll_cursor, item_index)
);
