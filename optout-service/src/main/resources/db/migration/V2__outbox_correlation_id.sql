-- The shared outbox (service-platform) stores the correlation id of each event, sent as the correlation-id header.
alter table outbox_event add column correlation_id varchar(200);
