-- The hotel a PMS profile's last applied record named (GuestProfileChanged.hotelCode; null for a chain-level profile,
-- e.g. OTA profile messages): a consent change in a hotel's or brand's scope is written back only to the PMS profiles
-- whose statements hold in that scope. Rows before V24 have none until their profile's next record.
alter table source_profile add column hotel_code varchar(50);
