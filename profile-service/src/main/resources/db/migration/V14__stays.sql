-- Stays and spend from pms.reservations (profile-service ReservationStayHandler): the newest applied state of each
-- reservation, with its lead guest's PMS profile; a guest's stays are those of its source profiles (joined by key, so
-- a reservation that arrives before its profile counts as soon as the profile has a guest).
create table stay (
    id                 uuid         primary key,
    tenant             varchar(100) not null,
    hotel_code         varchar(100) not null,
    pms_reservation_id varchar(200) not null,
    pms_system         varchar(100) not null,
    pms_profile_id     varchar(200),
    status             varchar(20)  not null,
    arrival            date         not null,
    departure          date         not null,
    amount             numeric(19, 4),
    currency           varchar(3),
    channel            varchar(50),
    history            boolean      not null,
    pms_sequence       bigint,
    pms_modified_at    timestamptz,
    occurred_at        timestamptz  not null,
    last_event_id      uuid         not null,
    received_at        timestamptz  not null,
    constraint stay_reservation unique (tenant, hotel_code, pms_reservation_id)
);
create index stay_profile_idx on stay (tenant, pms_system, pms_profile_id);
