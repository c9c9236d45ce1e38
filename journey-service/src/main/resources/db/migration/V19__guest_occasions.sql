-- Guest occasions (win-back, birthday, stay anniversary): the birth date crm.guests gives, and on a communication the
-- occasion it is for (the year, or the last departure for a win-back) and the date it was computed from (basis).
alter table guest_directory add column birth_date date;
alter table communication add column occasion varchar(40);
alter table communication add column occasion_basis date;
-- One per guest, step and occasion (one birthday mail per guest and year), whatever replica or run planned it.
create unique index communication_one_per_guest_occasion on communication (tenant, guest_id, step, occasion)
    where occasion is not null;
