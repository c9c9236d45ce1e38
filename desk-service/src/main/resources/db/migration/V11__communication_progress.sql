-- How far the communications consumer has applied crm.communications, per partition: the next offset after the last
-- record applied and the newest event time among them. The sweep judges a document late only when its due time is
-- before what the consumer has caught up to (a communication still in the consumer's lag may be the one sending it).
create table communication_progress (
    topic_partition integer     primary key,
    next_offset     bigint      not null,
    newest_event_at timestamptz not null,
    updated_at      timestamptz not null
);
