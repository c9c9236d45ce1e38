-- Recurring campaigns (issue 9): a campaign with a recurrence runs again every period, each run re-selecting its
-- segment; exactly one message per (campaign, run, guest). One-shot campaigns keep campaign_run null (run 0).
alter table campaign add column recurrence varchar(20);
alter table campaign add column runs integer not null default 0;
alter table campaign add column next_run_at timestamptz;
create index campaign_next_run on campaign (next_run_at) where next_run_at is not null;

alter table communication add column campaign_run integer;
drop index communication_one_per_campaign_guest;
create unique index communication_one_per_campaign_run_guest on communication (campaign_id, coalesce(campaign_run, 0), guest_id)
    where campaign_id is not null;
