-- service-platform's tables as every service has them: the outbox (the console publishes nothing, but the
-- platform's outbox monitor reads it), processed events, and the audit trail of staff requests.
create table outbox_event (
    id             bigint       primary key,
    event_id       uuid         not null unique,
    event_type     varchar(100) not null,
    topic          varchar(200) not null,
    record_key     varchar(320) not null,
    correlation_id varchar(200),
    payload        bytea        not null,
    created_at     timestamptz  not null,
    sent_at        timestamptz,
    attempts       integer      not null default 0,
    last_error     varchar(500),
    parked_at      timestamptz
);
create sequence outbox_event_id_seq increment by 50 owned by outbox_event.id;
alter table outbox_event alter column id set default nextval('outbox_event_id_seq');
create index outbox_event_relay on outbox_event (id) where sent_at is null and parked_at is null;
create index outbox_event_parked on outbox_event (topic, record_key) where sent_at is null and parked_at is not null;

create table processed_event (
    consumer     varchar(100) not null,
    event_id     uuid         not null,
    processed_at timestamptz  not null default now(),
    primary key (consumer, event_id)
);

create table audit_event (
    id             bigserial    primary key,
    occurred_at    timestamptz  not null,
    actor          varchar(200) not null,
    tenant         varchar(200),
    roles          varchar(200),
    action         varchar(300) not null,
    target_id      varchar(300),
    source_address varchar(100),
    outcome        integer      not null
);
create index audit_event_occurred_at on audit_event (occurred_at);
create index audit_event_tenant_occurred_at on audit_event (tenant, occurred_at);
