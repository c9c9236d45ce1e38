-- The shared outbox of service-platform: sent_at (was published_at, same meaning: set after Kafka's ack) and the
-- event's correlation id, sent as the correlation-id header.
alter table outbox_event rename column published_at to sent_at;
alter index outbox_event_unpublished rename to outbox_event_unsent;
alter table outbox_event add column correlation_id varchar(200);
