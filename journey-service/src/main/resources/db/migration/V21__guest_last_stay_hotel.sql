-- crm.guests now says where the last stay was (GuestUpdated.lastStayHotelCode): the hotel of a guest's occasions
-- (its settings, zone and quiet hours); null from older events, then the first of hotel_codes as before.
alter table guest_directory add column last_stay_hotel_code varchar(100);
