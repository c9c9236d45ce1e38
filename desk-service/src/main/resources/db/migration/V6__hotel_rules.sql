-- A hotel's desk rule set through the admin API (over the configuration's): each column null = the configured value.
create table hotel_rule (
    rule_key                 varchar(210) primary key,      -- tenant:hotelCode
    tenant                   varchar(100) not null,
    hotel_code               varchar(100) not null,
    zone                     varchar(60),
    opens                    time,
    closes                   time,
    days                     varchar(100),                  -- MONDAY,TUESDAY,...
    call_back_within_seconds bigint,
    team                     varchar(100),
    retry_after_seconds      bigint,
    max_attempts             integer,
    updated_at               timestamptz  not null,
    updated_by               varchar(200) not null
);
