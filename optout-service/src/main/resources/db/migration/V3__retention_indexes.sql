-- Retention (service-platform RetentionJob) deletes sent outbox rows by sent_at in small batches.
create index outbox_event_sent_at on outbox_event (sent_at) where sent_at is not null;
-- ... and processed events by processed_at.
create index processed_event_processed_at on processed_event (processed_at);
