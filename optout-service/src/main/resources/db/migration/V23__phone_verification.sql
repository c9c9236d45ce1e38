-- A phone number the guest typed into the preference centre (a correction or an addition) is held unverified: it is
-- written back to the PMS (transactional texts may use it) but holds no consent grant on SMS or PHONE, from any source
-- (the PMS profile's flag was given for the number it replaced), until it is verified. One row per correction; the
-- replaced number (if any) names whose grants are carried over on verification. Deleted with either number by an
-- erasure.
create table phone_verification (
    id             uuid         primary key,
    tenant         varchar(100) not null,
    value          varchar(320) not null,
    replaced_value varchar(320),
    requested_at   timestamptz  not null,
    verified_at    timestamptz,
    verified_by    varchar(200)
);
create index phone_verification_value on phone_verification (tenant, value);
create index phone_verification_replaced on phone_verification (tenant, replaced_value) where replaced_value is not null;
