-- Issue 12: reservations mirrored. Per (tenant, hotel, UTC day of the change at the PMS, topic partition: consumers of
-- different partitions never wait on each other's row) the snapshots applied from pms.reservations: reservations first
-- seen, newer snapshots of reservations already held (any change, a cancellation included), and those that became
-- CANCELLED. Counted in the batch's transaction and only for a snapshot newer than the one held (a redelivery adds
-- nothing). The reservations known now, by status, are reservation_state itself.
create table reservation_tally (
    tenant          varchar(100) not null,
    hotel_code      varchar(100) not null,
    day             date         not null,
    topic_partition integer      not null,
    created         bigint       not null,
    changed         bigint       not null,
    cancelled       bigint       not null,
    primary key (tenant, hotel_code, day, topic_partition)
);

-- Golden guests: when the desk first saw each on crm.guests (new golden guests in a period).
alter table guest_seen add column first_seen_at timestamptz;
update guest_seen set first_seen_at = updated_at where not gone;

create index reservation_state_tenant_hotel on reservation_state (tenant, hotel_code, status);
create index guest_seen_tenant on guest_seen (tenant) where not gone;
