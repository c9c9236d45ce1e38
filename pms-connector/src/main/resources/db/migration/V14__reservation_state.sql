-- The last emitted state of each reservation (issue 7), beside its version: a message that names a reservation by id
-- only (OTA_CancelRQ, an AlpineBits cancellation, an export that no longer lists it) is applied to it. last_state is the
-- ReservationChanged as emitted (Avro single-object encoding, card-free like every event); pms_reservation_id finds it
-- when the message does not name the hotel.
alter table aggregate_version add column pms_reservation_id varchar(190);
alter table aggregate_version add column last_state bytea;
create index aggregate_version_reservation_id on aggregate_version (feed_id, pms_reservation_id)
    where aggregate_type = 'RESERVATION';
