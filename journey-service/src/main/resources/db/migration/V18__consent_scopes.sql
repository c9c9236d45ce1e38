-- Consent per scope (crm.consents' scope: TENANT, HOTEL=<code>, BRAND=<brand>): one state per tenant, channel, contact
-- point, purpose and scope. Every row before this held for the whole tenant.
alter table consent_state add column scope varchar(120) not null default 'TENANT';
alter table consent_state drop constraint consent_state_pkey;
alter table consent_state add primary key (tenant, channel, contact_point, purpose, scope);
