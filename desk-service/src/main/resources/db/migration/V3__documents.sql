-- The documents a booked reservation owes its guest (confirmation, pre-arrival information, online check-in,
-- invoice; configurable per hotel) and how far each got, from the journey's crm.communications.
create table document (
    id                 uuid         primary key,
    reservation_key    varchar(420) not null,
    tenant             varchar(100) not null,
    hotel_code         varchar(100) not null,
    pms_reservation_id varchar(200) not null,
    kind               varchar(30)  not null check (kind in ('CONFIRMATION', 'PRE_ARRIVAL', 'ONLINE_CHECK_IN', 'INVOICE')),
    step               varchar(60)  not null,
    state              varchar(20)  not null check (state in ('DUE', 'SENT', 'OPENED', 'MISSING', 'NOT_OWED')),
    due_at             timestamptz  not null,
    sent_at            timestamptz,
    opened_at          timestamptz,
    reason             varchar(300),
    communication_id   uuid,
    late_task_id       uuid         references task (id),
    created_at         timestamptz  not null,
    updated_at         timestamptz  not null,
    constraint document_once unique (reservation_key, kind)
);
create index document_due on document (due_at) where state = 'DUE';
create index document_tenant_state on document (tenant, state, hotel_code);
