-- Journey configuration through the API (issue 9): a tenant's (hotel_code '') or a hotel's own settings over the
-- properties: step offsets and times, late-booking policies and freshness windows, the in-stay minimum, quiet hours,
-- the no-show cut-off. settings: only the fields set (JourneyOverride's JSON form); absent fields are inherited.
create table journey_setting (
    tenant     varchar(100) not null,
    hotel_code varchar(100) not null default '',
    settings   jsonb        not null,
    updated_by varchar(200),
    updated_at timestamptz  not null,
    primary key (tenant, hotel_code)
);
