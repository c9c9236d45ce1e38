-- Consent as crm.consents last said it, per (tenant, channel, purpose, contact point): the dispatcher checks it before
-- every non-transactional send. The newest by effective_at wins (ties: the event seen last).
create table consent_state (
    tenant        varchar(100) not null,
    channel       varchar(20)  not null,
    purpose       varchar(40)  not null,
    contact_point varchar(320) not null,
    status        varchar(20)  not null,
    effective_at  timestamp with time zone not null,
    event_id      uuid         not null,
    updated_at    timestamp with time zone not null,
    primary key (tenant, channel, purpose, contact_point)
);
