-- Batched intake: contact points and match decisions are inserted in JDBC batches. Their ids (internal, referenced by
-- nothing) become bigints from sequences handing out blocks of 50 (Hibernate's pooled optimizer, allocationSize 50):
-- smaller, ordered index entries than random UUIDs, and no round trip per row.
alter table guest_contact_point drop constraint guest_contact_point_pkey;
alter table guest_contact_point drop column id;
alter table guest_contact_point add column id bigint;
create sequence guest_contact_point_id_seq increment by 50 owned by guest_contact_point.id;
update guest_contact_point set id = nextval('guest_contact_point_id_seq');
alter table guest_contact_point alter column id set not null;
alter table guest_contact_point alter column id set default nextval('guest_contact_point_id_seq');
alter table guest_contact_point add primary key (id);
create index guest_contact_point_guest_idx on guest_contact_point (guest_id);

alter table match_decision drop constraint match_decision_pkey;
alter table match_decision drop column id;
alter table match_decision add column id bigint;
create sequence match_decision_id_seq increment by 50 owned by match_decision.id;
update match_decision set id = nextval('match_decision_id_seq');
alter table match_decision alter column id set not null;
alter table match_decision alter column id set default nextval('match_decision_id_seq');
alter table match_decision add primary key (id);
create index match_decision_guest_idx on match_decision (guest_id);
