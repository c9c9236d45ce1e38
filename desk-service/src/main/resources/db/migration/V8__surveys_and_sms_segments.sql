-- Post-stay survey answers (crm.survey-responses, SurveyAnswered): the latest revision of each response, for the
-- satisfaction figures (NPS, average score, ratings per aspect) and the service-recovery task of a detractor. The
-- guest's comment is not kept (it may hold personal data): only whether there was one.
create table survey_response (
    response_id        uuid         primary key,
    tenant             varchar(100) not null,
    hotel_code         varchar(100) not null,
    communication_id   uuid         not null,
    pms_reservation_id varchar(200),
    guest_id           varchar(100),
    revision           integer      not null,
    score              integer      not null check (score between 0 and 10),
    ratings            jsonb        not null default '{}'::jsonb,
    has_comment        boolean      not null,
    answered_at        timestamptz  not null,
    revised_at         timestamptz  not null,
    recovery_task_id   uuid         references task (id),
    updated_at         timestamptz  not null
);
create index survey_response_period on survey_response (tenant, answered_at);
create index survey_response_guest on survey_response (tenant, guest_id) where guest_id is not null;

-- A detractor's answer with a comment opens a SERVICE_RECOVERY task ("call back the guest").
alter table task drop constraint task_kind_check;
alter table task add constraint task_kind_check
    check (kind in ('CALL_BACK', 'QUOTE_FOLLOW_UP', 'LATE_DOCUMENT', 'SERVICE_RECOVERY'));

-- SMS segments (CommunicationEvent.segments, on SENT by SMS): summed per tally row; the SMS sent without a segment
-- count (older journey versions) counted apart, so the answer can say how many are unknown.
alter table communication_tally add column segments bigint not null default 0;
alter table communication_tally add column without_segments bigint not null default 0;
