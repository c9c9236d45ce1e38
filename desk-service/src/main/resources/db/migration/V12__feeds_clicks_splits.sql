-- Issue 12 gaps. Feed health as the desk sees it: per (tenant, hotel, feed = metadata.source of pms.reservations) and
-- topic partition (so consumers of different partitions never wait on each other's row) the newest event taken in
-- and when it arrived; a row changes only for a newer event (a redelivery changes nothing). The figure is the newest
-- over partitions.
create table feed_seen (
    tenant           varchar(100) not null,
    hotel_code       varchar(100) not null,
    feed             varchar(200) not null,
    topic_partition  integer      not null,
    pms_system       varchar(100),
    last_event_at    timestamptz  not null,
    last_received_at timestamptz  not null,
    primary key (tenant, hotel_code, feed, topic_partition)
);

-- Revenue by click: one row per CLICKED event of a campaign mail (event id: a redelivery adds nothing), the guest it
-- counts for (follows merges and splits like the mail's).
create table campaign_click (
    event_id         uuid         primary key,
    communication_id uuid         not null,
    tenant           varchar(100) not null,
    guest_id         varchar(100),
    campaign_id      varchar(100) not null,
    hotel_code       varchar(100),
    clicked_at       timestamptz  not null
);
create index campaign_click_guest on campaign_click (tenant, guest_id, clicked_at) where guest_id is not null;
create index campaign_click_communication on campaign_click (communication_id);

-- The address a campaign mail went to, as a ContactPointRef (desk_contact_ref: no address kept), so that a split
-- gives the mail to the golden guest whose profiles hold that address.
alter table campaign_send add column contact_ref varchar(100);
