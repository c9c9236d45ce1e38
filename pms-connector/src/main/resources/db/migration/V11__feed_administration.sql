-- Feed administration (issue 7): the PMS type, the hotels a feed delivers for (code, time zone, country; JSON array),
-- when it last changed, and a soft delete. A deleted feed keeps its row, because inbound_message and outbox_event
-- reference it and its id is the pmsSystem of every event it produced: the id is never reused for another PMS.
alter table feed add column pms_type varchar(64);
alter table feed add column hotels text not null default '[]';
alter table feed add column updated_at timestamptz not null default now();
alter table feed add column deleted_at timestamptz;
create index feed_tenant on feed (tenant_id) where deleted_at is null;
