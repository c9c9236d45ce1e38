-- service-platform's audit trail of staff actions: who, for which tenant, what, on which target, from where, outcome.
create table audit_event (
    id             bigserial    primary key,
    occurred_at    timestamptz  not null,
    actor          varchar(200) not null,
    tenant         varchar(200),
    roles          varchar(200),
    action         varchar(300) not null,
    target_id      varchar(300),
    source_address varchar(100),
    outcome        integer      not null
);
create index audit_event_occurred_at on audit_event (occurred_at);
create index audit_event_tenant_occurred_at on audit_event (tenant, occurred_at);
