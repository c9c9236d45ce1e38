-- The guest's names and language from crm.guests, so the preference centre shows what is held (the form no longer
-- starts empty). The minimum the centre needs, nothing else of the golden record; an erasure of the guest clears them,
-- a merge clears the merged-away guest's (the survivor's next record says its own).
alter table guest add column first_name varchar(100);
alter table guest add column last_name varchar(100);
alter table guest add column language varchar(35);
