-- GDPR erasure (profile-service GuestErasure): the guest row stays as an empty shell (its id answers 404; aliases
-- keep resolving to it), every personal datum is deleted, and hashed markers suppress the erased PMS profiles when
-- a feed sends them again. Markers are pseudonyms (SHA-256 of tenant, PMS and profile id; ContactPointRef for
-- contact points), never the values.
alter table guest add column erased_at timestamptz;
create table erasure_marker (
    tenant     varchar(100) not null,
    kind       varchar(20)  not null,
    marker     varchar(100) not null,
    erased_at  timestamptz  not null,
    request_id uuid         not null,
    primary key (tenant, kind, marker)
);
