-- Guest search by name (GuestSearch): source profiles by tenant and normalised surname (and given name).
create index source_profile_name_idx on source_profile (tenant, match_surname, match_given_name);
