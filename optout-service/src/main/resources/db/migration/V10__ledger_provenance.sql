-- The consent ledger says on whose word and within which scope: actor (who: "pms:<system>", a staff token's subject,
-- "guest" for the guest's own links), source_detail (which feed or link key; never personal data) and scope (TENANT
-- for the whole tenant; a brand or hotel scope where a tenant wants one, "HOTEL:<code>").
alter table consent_entry add column actor varchar(200);
alter table consent_entry add column source_detail varchar(200);
alter table consent_entry add column scope varchar(200) not null default 'TENANT';
update consent_entry set actor = 'pms:' || pms_system, source_detail = pms_system where source = 'PMS' and pms_system is not null;
