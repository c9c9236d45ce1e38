-- A join of two guests in the intake moves the pending review items naming the absorbed guest to the survivor
-- (GuestJoins.write): found by either side of the pair among the pending items only. Without these, the look-up
-- by candidate_guest_id read every pending item of the table (1,756 index tuples per record at 100,000 profiles).
create index match_decision_pending_guest_idx on match_decision (guest_id) where status = 'PENDING';
create index match_decision_pending_candidate_idx on match_decision (candidate_guest_id) where status = 'PENDING';
