-- Survey answers without a hotelCode take the hotel of the reservation the desk holds (tenant, pmsReservationId).
create index reservation_state_pms_reservation on reservation_state (pms_reservation_id);
