-- What the preference centre shows of a guest's stays and interests, from crm.guests (GuestUpdated stayCount,
-- lastStayDeparture, lastStayHotelCode, the hotels of its source profiles, preferences), written in the same upsert as
-- the guest's version and names (no statement more per batch). Bounded by the intake (at most 20 hotels, 20
-- interests); cleared like the names by an erasure of the guest and for a guest merged away.
alter table guest add column stay_count integer;
alter table guest add column last_stay_departure date;
alter table guest add column last_stay_hotel_code varchar(50);
-- JSON array of hotel codes, sorted.
alter table guest add column hotel_codes jsonb;
-- JSON object of the golden record's preferences (name -> value), as crm.guests gives them.
alter table guest add column interests jsonb;
