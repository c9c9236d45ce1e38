-- What the CRM sent per hotel, journey step, outcome and day (UTC), from crm.communications: the cost and outcome
-- side of the desk's figures. Counted once per event (the intake's processed events), in the event's transaction.
create table communication_tally (
    tenant     varchar(100) not null,
    hotel_code varchar(100) not null,
    day        date         not null,
    step       varchar(100) not null,
    channel    varchar(20)  not null,
    status     varchar(20)  not null,
    events     bigint       not null,
    primary key (tenant, hotel_code, day, step, channel, status)
);
