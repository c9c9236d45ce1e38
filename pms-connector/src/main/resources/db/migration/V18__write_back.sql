-- Write-back of crm.contact-updates to the feed's PMS (issue 7, "two-way, contact data only").
-- processed_event: service-platform's BatchIntake records each consumed event id here (the connector's first consumer).
create table processed_event (
    consumer      varchar(100) not null,
    event_id      uuid         not null,
    processed_at  timestamptz  not null,
    primary key (consumer, event_id)
);

-- One job per ContactDetailsUpdated event (its event id), per the feed it names (pmsSystem = feed id). The contact data
-- to write (names, language, e-mails, phones, address, marketing flags; null = unchanged) is kept as JSON until the job
-- is done; jobs of one profile are sent in the order they arrived (seq), one at a time.
create table write_back_job (
    event_id         uuid          primary key,
    seq              bigserial     not null unique,
    feed_id          varchar(64)   not null references feed (feed_id),
    tenant_id        varchar(64)   not null,
    pms_profile_id   varchar(200)  not null,
    reason           varchar(32)   not null,
    fields           varchar(300)  not null,
    contact          text          not null,
    state            varchar(16)   not null check (state in ('PENDING', 'DONE', 'FAILED')),
    attempts         integer       not null default 0,
    next_attempt_at  timestamptz   not null,
    lease_until      timestamptz,
    last_error       varchar(500),
    -- parts of the write the feed's PMS cannot hold (field names, e.g. marketingFlags.smsOptIn), said once it is done
    note             varchar(300),
    occurred_at      timestamptz   not null,
    created_at       timestamptz   not null,
    done_at          timestamptz
);
create index write_back_job_due on write_back_job (next_attempt_at) where state = 'PENDING';
create index write_back_job_profile on write_back_job (feed_id, pms_profile_id, seq) where state = 'PENDING';
create index write_back_job_feed on write_back_job (feed_id, created_at desc);
create index write_back_job_failed on write_back_job (feed_id) where state = 'FAILED';

-- What a write-back told the PMS, per profile (recorded before the call, so an echo that overtakes the answer is known):
-- the canonical contact values the PMS holds once it applied the write. A later profile state from the feed that differs
-- from the last emitted one only in these fields, with these values, is our own write coming back and is not emitted.
create table write_back_echo (
    feed_id          varchar(64)   not null references feed (feed_id),
    pms_profile_id   varchar(200)  not null,
    event_id         uuid          not null,
    expected         text          not null,
    expires_at       timestamptz   not null,
    primary key (feed_id, pms_profile_id, event_id)
);

-- The metrics' per-feed queries: newest accepted message, failed fetches.
create index inbound_message_feed_received on inbound_message (feed_id, received_at);
create index webhook_fetch_failed on webhook_fetch (feed_id) where state = 'FAILED';
