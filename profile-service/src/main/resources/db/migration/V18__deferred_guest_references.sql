-- Batched intake: Hibernate orders a batch's inserts by entity type (hibernate.order_inserts) and knows nothing of
-- these references (the entities hold plain ids), so a batch whose first new profile joins a stored guest sends its
-- links before the guests that later profiles create. The references of links, contact points and match decisions
-- are checked at commit instead of per statement: the transaction as a whole must still be consistent.
alter table guest_source_profile alter constraint guest_source_profile_guest_id_fkey deferrable initially deferred;
alter table guest_source_profile alter constraint guest_source_profile_source_profile_id_fkey deferrable initially deferred;
alter table guest_contact_point alter constraint guest_contact_point_guest_id_fkey deferrable initially deferred;
alter table guest_contact_point alter constraint guest_contact_point_source_profile_id_fkey deferrable initially deferred;
alter table match_decision alter constraint match_decision_guest_id_fkey deferrable initially deferred;
alter table match_decision alter constraint match_decision_source_profile_id_fkey deferrable initially deferred;
