-- Batched intake: reservations are inserted in JDBC batches. Their id (internal, referenced by nothing: communications
-- refer to the reservation key) becomes a bigint from a sequence handing out blocks of 50 (Hibernate's pooled
-- optimizer, allocationSize 50): no round trip per row, smaller and ordered index entries instead of random UUIDs.
-- Communication ids stay UUIDs: they are public (API, Message-ID, CommunicationEvent.communicationId) and assigned in
-- Java, which batches as well.
alter table reservation drop constraint reservation_pkey;
alter table reservation drop column id;
alter table reservation add column id bigint;
create sequence reservation_id_seq increment by 50 owned by reservation.id;
update reservation set id = nextval('reservation_id_seq');
alter table reservation alter column id set not null;
alter table reservation alter column id set default nextval('reservation_id_seq');
alter table reservation add primary key (id);
