-- The shared outbox of service-platform: event_type holds the record's simple name (was record_type, the full
-- name), correlation_id the event's correlation id (sent as the correlation-id header). For the connector the
-- correlation id IS the inbound message id, so message_id stays, computed from it, and keeps its foreign key.
alter table outbox_event rename column record_type to event_type;
update outbox_event set event_type = regexp_replace(event_type, '^.*\.', '');
alter table outbox_event add column correlation_id varchar(200);
update outbox_event set correlation_id = message_id::text;
alter table outbox_event alter column correlation_id set not null;
alter table outbox_event drop column message_id;
alter table outbox_event add column message_id uuid not null
    generated always as (correlation_id::uuid) stored references inbound_message (message_id);
