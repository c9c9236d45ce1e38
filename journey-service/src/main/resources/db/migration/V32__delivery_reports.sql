-- Issue 9: bounces after acceptance (RFC 3464 DSNs) and complaints (RFC 5965 feedback reports) read from the bounce
-- mailbox. One row per report read (idempotence: a report read again finds its row and changes nothing); no address or
-- report text is stored, only what was decided and why.
CREATE TABLE delivery_report (
    report_key        varchar(64)  PRIMARY KEY,  -- SHA-256 (hex) of the report's Message-ID, else of its bytes
    received_at       timestamp with time zone NOT NULL,
    form              varchar(10),               -- DSN, ARF; null when unreadable
    outcome           varchar(20)  NOT NULL,     -- RECORDED, NOTHING_NEW, NO_FAILURE, SET_ASIDE
    communication_id  uuid,
    kind              varchar(20),               -- HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT
    reason            varchar(500)               -- why set aside, or what the report said (addresses masked)
);
CREATE INDEX delivery_report_set_aside ON delivery_report (received_at) WHERE outcome = 'SET_ASIDE';

-- At most one CommunicationEvent per message and kind (a second DSN or complaint for it changes nothing).
CREATE TABLE communication_feedback (
    communication_id  uuid         NOT NULL,
    kind              varchar(20)  NOT NULL,
    report_key        varchar(64)  NOT NULL,
    recorded_at       timestamp with time zone NOT NULL,
    PRIMARY KEY (communication_id, kind)
);
