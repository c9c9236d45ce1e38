-- No-show by cut-off (issue 9): a CONFIRMED reservation without a check-in from the PMS by the hotel's cut-off is
-- treated as a no-show. no_show_cutoff_at: when that was decided (null: not decided); no_show_cutoff: the cut-off as it
-- was applied, in words (the reason of what it cancelled). A later check-in, cancellation or date move clears both.
alter table reservation add column no_show_cutoff_at timestamptz;
alter table reservation add column no_show_cutoff varchar(60);
-- The sweep's candidates: confirmed, settled, not decided yet, by arrival day.
create index reservation_no_show_candidates on reservation (arrival, tenant, hotel_code, pms_reservation_id)
    where status = 'CONFIRMED' and no_show_cutoff_at is null;
