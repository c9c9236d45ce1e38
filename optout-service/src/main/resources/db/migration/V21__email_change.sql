-- A guest's corrected e-mail address is verified before it is written back: one row per request, naming the old
-- contact point by reference and holding the new address (it must be mailed), with the expiry of its signed link and
-- when it was used (a link works once). Deleted by the personal-data retention after use or expiry, and with the old
-- contact point by an erasure. The confirmation mail is a preference_link_mail row of kind EMAIL_CHANGE naming it.
create table email_change (
    id           uuid         primary key,
    tenant       varchar(100) not null,
    ref          varchar(40)  not null,
    new_value    varchar(320) not null,
    lang         varchar(5)   not null,
    requested_at timestamptz  not null,
    expires_at   timestamptz  not null,
    used_at      timestamptz
);
create index email_change_ref on email_change (tenant, ref, requested_at);
create index email_change_done_idx on email_change ((coalesce(used_at, expires_at)));

alter table preference_link_mail drop constraint preference_link_mail_kind_check;
alter table preference_link_mail add constraint preference_link_mail_kind_check
    check (kind in ('PREFERENCES', 'ERASURE', 'EMAIL_CHANGE'));
alter table preference_link_mail add column email_change_id uuid references email_change (id);
create index preference_link_mail_email_change_idx on preference_link_mail (email_change_id) where email_change_id is not null;
