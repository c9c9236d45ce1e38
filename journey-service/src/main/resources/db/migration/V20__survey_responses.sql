-- Post-stay survey answers (issue 9): one row per survey communication answered; a change of the answer replaces the
-- row's values and raises its revision (SurveyAnswered on crm.survey-responses carries each revision).
create table survey_response (
    id                 uuid         primary key,
    communication_id   uuid         not null unique references communication (id),
    tenant             varchar(100) not null,
    hotel_code         varchar(100) not null,
    pms_reservation_id varchar(100),
    guest_id           varchar(100),
    revision           integer      not null check (revision >= 1),
    score              integer      not null check (score between 0 and 10),
    -- aspect -> 1..5, only the hotel's aspects (checked by the page before storing)
    ratings            jsonb        not null default '{}'::jsonb,
    -- the guest's own words (personal data: never logged)
    comment            text         check (char_length(comment) <= 2000),
    language           varchar(35),
    first_answered_at  timestamp with time zone not null,
    answered_at        timestamp with time zone not null
);
-- Satisfaction per hotel over time.
create index survey_response_hotel on survey_response (tenant, hotel_code, answered_at);
