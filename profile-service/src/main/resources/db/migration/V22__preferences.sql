-- Preferences and interests (pms.profiles' GuestProfileChanged.preferences, key = category[:code], value = the PMS's
-- text): each source profile keeps those of its applied state (replaced with the state, like its other fields), the
-- guest the ones that survived (Survivorship.preferences: per key trust, then recency), bounded by the service
-- (domain.Preferences: 50 entries, keys up to 64 characters, values up to 200). Profiles held before this migration
-- have none until their next change.
alter table source_profile
    add column preferences jsonb not null default '{}'::jsonb;
alter table guest
    add column preferences jsonb;
