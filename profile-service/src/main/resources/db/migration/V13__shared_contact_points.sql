-- Contact points shared by unrelated guests (profile-service SharedContactRule): kept in the records holding them, but
-- no longer merge evidence and never primary. Keyed like source_profile_block: 'e:' + e-mail, 'p:' + E.164 phone.
create table shared_contact_point (
    tenant          varchar(100) not null,
    match_key       varchar(600) not null,
    unrelated_names integer      not null,
    detected_at     timestamptz  not null,
    primary key (tenant, match_key)
);
