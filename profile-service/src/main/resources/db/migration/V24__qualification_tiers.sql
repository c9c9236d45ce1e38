-- Qualification tiers (issue 8): each tenant's rules (domain.TierRules; a tenant without a row uses TierRules.DEFAULT),
-- set by an admin through /api/v1/tier-rules, versioned; the tier of each guest as its last recomposition found it,
-- with the reason (a sentence of counts and thresholds, no personal data). crm.guests does not carry it yet (the
-- schema has no field for it: requested).
create table tier_rules (
    tenant             text primary key,
    repeat_min_stays   integer not null,
    vip_min_stays      integer,
    vip_min_nights     integer,
    vip_min_spend      numeric(14, 2),
    vip_spend_currency varchar(3),
    version            integer not null,
    updated_at         timestamptz not null,
    updated_by         text not null
);
alter table guest
    add column qualification_tier   varchar(16),
    add column qualification_reason text;
