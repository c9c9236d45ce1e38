-- Polling an OpenTravel PMS (issue 7 delivery mode 4): OTA_POLLING (OTA_ReadRQ with a LastUpdateDate selection from the
-- persisted cursor, answered by OTA_ResRetrieveRS) and ALPINEBITS_POLLING (AlpineBits GuestRequests: action
-- OTA_Read:GuestRequests answered by OTA_ResRetrieveRS, then acknowledged with OTA_NotifReport:GuestRequests).
-- They share feed_poll (cursor, lease, attempts) and poll_rejection with JSON_POLLING.
alter table feed drop constraint if exists feed_kind_check;
alter table feed add constraint feed_kind_check
    check (kind in ('OTA_XML', 'CANONICAL_JSON', 'APALEO_WEBHOOK', 'MEWS_WEBHOOK', 'JSON_POLLING', 'OTA_POLLING',
                    'ALPINEBITS_POLLING'));

-- AlpineBits: the X-AlpineBits-ClientProtocolVersion the feed speaks (2018-10 or 2020-10); null for other kinds.
alter table feed_pms_api add column protocol_version varchar(16);

-- AlpineBits requests whose events are committed but whose acknowledgement (OTA_NotifReportRQ) has not been answered
-- Success yet: written in the transaction of the events, deleted once the PMS took the acknowledgement. A crash or a
-- failed acknowledgement leaves them here; they are acknowledged first on the next round (the PMS meanwhile sends them
-- again, which the logical deduplication recognises: nothing is emitted twice).
create table poll_pending_ack (
    feed_id         varchar(64)   not null references feed (feed_id),
    hotel_code      varchar(100)  not null,
    unique_id_type  varchar(8)    not null,
    unique_id       varchar(190)  not null,
    recorded_at     timestamptz   not null,
    primary key (feed_id, hotel_code, unique_id_type, unique_id)
);
