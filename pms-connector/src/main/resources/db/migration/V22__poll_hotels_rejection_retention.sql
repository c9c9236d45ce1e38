-- Per-hotel polling state of the OTA polled feeds (issue 7: a failing hotel must not hold back the others): each hotel of
-- an OTA_POLLING / ALPINEBITS_POLLING feed has its own cursor (moved in the transaction of that hotel's events), its own
-- next poll, and its own failures and backoff. feed_poll keeps the feed's lease and shows the oldest hotel cursor.
create table feed_poll_hotel (
    feed_id         varchar(64)   not null references feed (feed_id),
    hotel_code      varchar(100)  not null,
    poll_cursor     varchar(200)  not null default '0',
    next_poll_at    timestamptz   not null default now(),
    attempts        integer       not null default 0,
    last_error      varchar(500),
    last_polled_at  timestamptz,
    primary key (feed_id, hotel_code)
);

-- Refused poll and import rows follow the feed's archive retention (messaging/ArchiveRetentionJob).
create index poll_rejection_feed_rejected on poll_rejection (feed_id, rejected_at);
create index import_job_feed_finished on import_job (feed_id, finished_at) where finished_at is not null;
