-- Modification and cancellation notices (issue 9): the booking terms a guest cares about, to tell a change from a
-- snapshot that changed nothing for them (older rows keep null: a null never counts as a change), and the reservation
-- version a notice tells about: at most one notice per (reservation, step, version). Journey steps keep '' (one per
-- reservation and step, as before).
alter table reservation add column room_type_code varchar(100);
alter table reservation add column rate_plan_code varchar(100);
alter table reservation add column adults integer;
alter table reservation add column children integer;

alter table communication add column notice_version varchar(100) not null default '';
alter table communication drop constraint communication_one_per_step;
alter table communication add constraint communication_one_per_step_version
    unique (tenant, hotel_code, pms_reservation_id, step, notice_version);
