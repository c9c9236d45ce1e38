-- Hotel and brand scopes in the current state: one state per tenant, contact point, channel, purpose and scope (TENANT,
-- HOTEL:<code>, BRAND:<code>; the ledger has had the column since V10). Every state held so far is the tenant's.
alter table consent_state add column scope varchar(200) not null default 'TENANT';
alter table consent_state drop constraint consent_state_pkey;
alter table consent_state add primary key (tenant, contact_point, channel, purpose, scope);
