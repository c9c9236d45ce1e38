-- Erasure suppressions become keyed: "hmac1:<kid>:" + base64url(HMAC-SHA256(key, tenant NUL kind NUL value)), the key
-- from the environment (GUESTCRM_SUPPRESSION_KEYS), its id kept beside the hash so a key can be retired once no row
-- uses it. Rows written before (unsalted "sha256:" + hex) keep key_id 'sha256' and are still recognised: they cannot
-- be re-keyed, the value they hash is gone.
alter table suppression alter column hash type varchar(120);
alter table suppression add column key_id varchar(40) not null default 'sha256';
alter table suppression alter column key_id drop default;
alter table guest_request alter column subject type varchar(120);
