-- Logical deduplication and ordering (issue 7): per feed and aggregate (a reservation hotelCode:pmsReservationId, a
-- profile pmsProfileId) the last emitted content (SHA-256 of the canonical event without envelope and version fields)
-- and the newest version seen of it (PMS sequence, version time). Written in the transaction of the outbox rows, so what
-- is held is exactly what was emitted. sequence_offset re-bases the emitted pmsSequence after a PMS sequence reset,
-- sequence_epoch_start (the reset's version time) makes sequenced versions timed before it stale (the old numbering).
-- A row without content_sha256 is a placeholder a transaction inserted to lock the aggregate; it holds nothing.
create table aggregate_version (
    feed_id          varchar(64)  not null references feed (feed_id),
    aggregate_type   varchar(16)  not null check (aggregate_type in ('RESERVATION', 'PROFILE')),
    aggregate_id     varchar(400) not null,
    pms_sequence     bigint,
    sequence_offset  bigint       not null default 0,
    version_time     timestamptz,
    content_sha256   varchar(64),
    sequence_resets  integer      not null default 0,
    sequence_epoch_start timestamptz,
    updated_at       timestamptz  not null default now(),
    primary key (feed_id, aggregate_type, aggregate_id)
);
