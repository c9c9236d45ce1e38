-- The outbox monitor counts waiting rows on outbox_event_relay (sent_at is null and parked_at is null) and parked rows
-- on outbox_event_parked; nothing reads outbox_event_unsent any more, and every outbox insert maintained it.
drop index if exists outbox_event_unsent;
