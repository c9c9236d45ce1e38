-- persistence.PersonalDataRetention deletes the rows this service keeps only for a while; each deletion finds its rows
-- by the time it is measured from.
create index erasure_confirmation_done_idx on erasure_confirmation ((coalesce(used_at, expires_at)));
create index preference_link_mail_created_idx on preference_link_mail (created_at);
create index preference_link_mail_confirmation_idx on preference_link_mail (confirmation_id) where confirmation_id is not null;
create index link_request_requested_idx on link_request (requested_at);
create index guest_activity_occurred_idx on guest_activity (occurred_at);
create index guest_request_requested_idx on guest_request (requested_at) where kind <> 'ERASURE';
create index marketing_pause_resumed_idx on marketing_pause (resumed_at) where resumed_at is not null;
