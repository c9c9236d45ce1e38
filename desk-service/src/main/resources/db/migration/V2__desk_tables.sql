-- The reservations as last seen on pms.reservations (only what the desk needs: ordering, status, stay, guest match).
create table reservation_state (
    id               uuid         primary key,
    reservation_key  varchar(420) not null unique,          -- tenant:hotelCode:pmsReservationId (the topic's key)
    tenant           varchar(100) not null,
    hotel_code       varchar(100) not null,
    pms_reservation_id varchar(200) not null,
    pms_system       varchar(100) not null,
    status           varchar(20)  not null,
    arrival          date         not null,
    departure        date         not null,
    pms_profile_id   varchar(200),
    guest_email      varchar(320),                          -- lower-case, to match an inquiry's guest
    pms_sequence     bigint,
    pms_modified_at  timestamptz,
    occurred_at      timestamptz  not null,
    last_event_id    uuid         not null,
    first_seen_at    timestamptz  not null,
    updated_at       timestamptz  not null
);

-- A request that is not yet a booking: from a PMS (tentative, waitlisted) or posted by staff / a web form.
create table lead (
    id                    uuid         primary key,
    tenant                varchar(100) not null,
    hotel_code            varchar(100) not null,
    origin                varchar(10)  not null check (origin in ('PMS', 'API')),
    status                varchar(20)  not null check (status in ('OPEN', 'BOOKED', 'LOST', 'NO_ANSWER')),
    reservation_key       varchar(420),                     -- the PMS reservation it came from, or was booked as
    pms_system            varchar(100),
    pms_reservation_id    varchar(200),
    pms_profile_id        varchar(200),
    guest_id              varchar(100),
    guest_name            varchar(200),
    guest_email           varchar(320),
    guest_phone           varchar(40),
    language              varchar(20),
    arrival               date         not null,
    departure             date         not null,
    adults                integer      not null,
    children              integer      not null,
    rooms                 integer      not null,
    room_type             varchar(100),
    message               varchar(2000),
    channel               varchar(40),
    received_at           timestamptz  not null,
    answered_at           timestamptz,
    closed_at             timestamptz,
    outcome_reason        varchar(200),
    idempotency_key       varchar(200),
    created_by            varchar(200),
    updated_at            timestamptz  not null
);
create unique index lead_reservation_key on lead (reservation_key) where reservation_key is not null;
create unique index lead_idempotency_key on lead (tenant, idempotency_key) where idempotency_key is not null;
create index lead_open_by_guest on lead (tenant, hotel_code, guest_email) where status = 'OPEN';
create index lead_received on lead (tenant, hotel_code, received_at);

create table quote (
    id                    uuid          primary key,
    tenant                varchar(100)  not null,
    lead_id               uuid          not null references lead (id),
    hotel_code            varchar(100)  not null,
    room_type             varchar(100)  not null,
    rooms                 integer       not null,
    arrival               date          not null,
    departure             date          not null,
    amount                numeric(12,2) not null,
    currency              varchar(3)    not null,
    valid_until           timestamptz   not null,
    status                varchar(20)   not null check (status in ('OPEN', 'BOOKED', 'EXPIRED', 'LOST')),
    follow_up_raised      boolean       not null default false,
    created_at            timestamptz   not null,
    created_by            varchar(200)  not null,
    updated_at            timestamptz   not null
);
create index quote_lead on quote (lead_id);
create index quote_open_valid_until on quote (valid_until) where status = 'OPEN';

create table task (
    id                    uuid         primary key,
    tenant                varchar(100) not null,
    hotel_code            varchar(100) not null,
    kind                  varchar(30)  not null check (kind in ('CALL_BACK', 'QUOTE_FOLLOW_UP', 'LATE_DOCUMENT')),
    status                varchar(20)  not null check (status in ('OPEN', 'OVERDUE', 'DONE', 'CANCELLED')),
    lead_id               uuid         references lead (id),
    quote_id              uuid         references quote (id),
    pms_reservation_id    varchar(200),
    guest_id              varchar(100),
    assignee              varchar(200),
    team                  varchar(100),
    due_at                timestamptz  not null,
    attempt               integer      not null default 1,
    outcome               varchar(20)  check (outcome in ('BOOKED', 'LOST', 'NO_ANSWER', 'DONE')),
    outcome_reason        varchar(200),
    subject               varchar(200),
    created_at            timestamptz  not null,
    updated_at            timestamptz  not null,
    done_at               timestamptz,
    done_by               varchar(200)
);
create index task_open_due on task (due_at) where status = 'OPEN';
create index task_tenant_status on task (tenant, status, due_at);
create index task_lead on task (lead_id);
create index task_reservation on task (tenant, pms_reservation_id);
create index task_assignee on task (tenant, assignee) where status in ('OPEN', 'OVERDUE');
