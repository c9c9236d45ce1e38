-- KPIs per hotel, journey step and campaign (issue 9, api.KpiResource, persistence.JourneyKpis).
-- consent_state.source: where the last state of a consent came from (crm.consents' source: UNSUBSCRIBE_LINK,
-- PREFERENCE_CENTRE, ...), so an unsubscribe through a mail's link can be counted against the mail. Rows taken in
-- before this migration have none (counted from here on; a compacted topic's later records fill it).
alter table consent_state add column source varchar(40);

-- The messages that reached an outcome (sent, bounced, failed), by tenant and the time of that outcome.
create index communication_outcomes_by_time on communication (tenant, (coalesce(sent_at, updated_at)))
    where status in ('SENT', 'BOUNCED', 'FAILED');
-- The mails sent to one address, by time (the unsubscribe's attribution to the last mail before it).
create index communication_sent_to on communication (tenant, contact_point, sent_at) where status = 'SENT';
