-- Journey service schema: reservations as last seen, their communications, the outbox and the processed-event log.

CREATE TABLE reservation (
    id                 uuid         PRIMARY KEY,
    tenant             varchar(100) NOT NULL,
    hotel_code         varchar(100) NOT NULL,
    hotel_name         varchar(300),
    pms_system         varchar(100) NOT NULL,
    pms_reservation_id varchar(200) NOT NULL,
    status             varchar(20)  NOT NULL,
    arrival            date         NOT NULL,
    departure          date         NOT NULL,
    guest_name         varchar(300),
    guest_email        varchar(320),
    guest_language     varchar(35),
    pms_sequence       bigint,
    pms_modified_at    timestamp with time zone,
    event_occurred_at  timestamp with time zone NOT NULL,
    last_event_id      uuid         NOT NULL,
    created_at         timestamp with time zone NOT NULL,
    updated_at         timestamp with time zone NOT NULL,
    CONSTRAINT reservation_key UNIQUE (tenant, hotel_code, pms_reservation_id)
);

CREATE TABLE communication (
    id                 uuid         PRIMARY KEY,
    tenant             varchar(100) NOT NULL,
    hotel_code         varchar(100) NOT NULL,
    pms_reservation_id varchar(200) NOT NULL,
    step               varchar(40)  NOT NULL,
    channel            varchar(20)  NOT NULL,
    status             varchar(20)  NOT NULL,
    due_at             timestamp with time zone NOT NULL,
    next_attempt_at    timestamp with time zone,
    sent_at            timestamp with time zone,
    cancelled_at       timestamp with time zone,
    attempts           integer      NOT NULL DEFAULT 0,
    last_error         varchar(500),
    reason             varchar(200),
    correlation_id     varchar(200) NOT NULL,
    causation_id       varchar(200),
    created_at         timestamp with time zone NOT NULL,
    updated_at         timestamp with time zone NOT NULL,
    CONSTRAINT communication_one_per_step UNIQUE (tenant, hotel_code, pms_reservation_id, step)
);

-- The dispatcher's query: pending communications by the time they are due.
CREATE INDEX communication_pending_due ON communication (coalesce(next_attempt_at, due_at))
    WHERE status IN ('SCHEDULED', 'RESCHEDULED');

CREATE TABLE outbox_event (
    id           bigserial    PRIMARY KEY,
    topic        varchar(200) NOT NULL,
    record_key   varchar(400) NOT NULL,
    event_id     uuid         NOT NULL UNIQUE,
    event_type   varchar(100) NOT NULL,
    payload      bytea        NOT NULL,
    created_at   timestamp with time zone NOT NULL,
    published_at timestamp with time zone
);

CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;

CREATE TABLE processed_event (
    consumer     varchar(100) NOT NULL,
    event_id     uuid         NOT NULL,
    processed_at timestamp with time zone NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
