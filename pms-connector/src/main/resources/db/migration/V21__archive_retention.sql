-- Bounded retention of the raw archive (issue 7 "every accepted raw payload is archived (card-free, bounded
-- retention)"): inbound_message and refused_message rows older than the feed's archive_retention_days (else
-- connector.retention.archive) are deleted by messaging/ArchiveRetentionJob in chunks. An inbound message still named
-- by an outbox row (its events are kept 7 days after they were sent, unsent ones for ever) waits for that row to go.
alter table feed add column archive_retention_days integer check (archive_retention_days between 1 and 3650);

create index outbox_event_message on outbox_event (message_id);
create index refused_message_feed_last_refused on refused_message (feed_id, last_refused_at);
