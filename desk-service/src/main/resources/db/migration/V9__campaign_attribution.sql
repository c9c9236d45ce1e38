-- Campaign revenue attribution: what a booking is worth and when the guest made it (ReservationChanged.totalAmount,
-- createdAt), and the campaign mails SENT to golden guests (crm.communications, step CAMPAIGN:<id>, with a guestId).
alter table reservation_state add column booked_at timestamptz;
alter table reservation_state add column total_amount numeric(19, 4);
alter table reservation_state add column currency varchar(3);
create index reservation_state_booked on reservation_state (tenant, booked_at) where booked_at is not null;

create table campaign_send (
    communication_id uuid         primary key,
    tenant           varchar(100) not null,
    guest_id         varchar(100),
    campaign_id      varchar(100) not null,
    hotel_code       varchar(100),
    sent_at          timestamptz  not null
);
create index campaign_send_guest on campaign_send (tenant, guest_id, sent_at) where guest_id is not null;
