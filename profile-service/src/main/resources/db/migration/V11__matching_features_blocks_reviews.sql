-- Fellegi-Sunter matching in the intake (model fs-2).
-- 1. What scoring needs, on the source profile: the address, identity document and the normalised match features
--    (computed once when a state is stored; PersonRecord's normalisation).
alter table source_profile
    add column postal_code      varchar(40),
    add column city             varchar(200),
    add column street           varchar(500),
    add column country_code     varchar(10),
    add column document_type    varchar(50),
    add column document_number  varchar(100),
    add column match_given_name varchar(200),
    add column match_surname    varchar(200),
    add column match_birth_date varchar(8),
    add column match_postcode   varchar(40),
    add column match_city       varchar(200),
    add column match_street     varchar(500),
    add column match_email      varchar(320),
    add column match_phone      varchar(40),
    add column match_document   varchar(100),
    add column match_loyalty    varchar(100);

-- Profiles stored before V11: the features SQL can derive (accents are not removed here; the next change of a
-- profile recomputes everything in Java).
update source_profile set
    match_given_name = nullif(regexp_replace(lower(coalesce(first_name, '')), '[^a-z]', '', 'g'), ''),
    match_surname    = nullif(regexp_replace(lower(coalesce(last_name, '')), '[^a-z]', '', 'g'), ''),
    match_birth_date = to_char(birth_date, 'YYYYMMDD'),
    match_loyalty    = nullif(regexp_replace(lower(coalesce(loyalty_number, '')), '[^a-z0-9]', '', 'g'), ''),
    match_email      = (select lower(trim(e ->> 'value')) from jsonb_array_elements(emails) e
                        where position('@' in trim(e ->> 'value')) > 1
                        order by (e ->> 'primary')::boolean desc limit 1);

-- 2. Blocking keys of each source profile (IncrementalLinker.blockingKeys: e-mail, phone, document, loyalty number,
--    phonetic names with birth date / postcode / city, ...), per tenant; candidates are looked up here, a block
--    larger than the cap is skipped.
create table source_profile_block (
    tenant            varchar(100) not null,
    block_key         varchar(600) not null,
    source_profile_id uuid         not null references source_profile (id),
    primary key (tenant, block_key, source_profile_id)
);
create index source_profile_block_source_idx on source_profile_block (source_profile_id);
-- Before V11 profiles matched on e-mail: they keep that key (the rest come with their next change).
insert into source_profile_block (tenant, block_key, source_profile_id)
select tenant, 'e:' || match_email, id from source_profile where match_email is not null
on conflict do nothing;

-- 3. Every link keeps its evidence; a decision between the thresholds is a pending review item.
alter table match_decision
    add column tenant             varchar(100),
    add column status             varchar(20) not null default 'LINKED',
    add column candidate_guest_id uuid,
    add column score              double precision,
    add column model_version      varchar(20),
    add column evidence           jsonb,
    add column decided_at         timestamptz,
    add column reviewer           varchar(200);
alter table match_decision alter column explanation type varchar(2000);
update match_decision d set tenant = g.tenant from guest g where g.id = d.guest_id;
alter table match_decision alter column tenant set not null;
create index match_decision_pending_idx on match_decision (tenant, created_at) where status = 'PENDING';

-- 4. Merges keep ids stable: the surviving guest keeps its id, a merged-away guest stays as an alias pointing at it.
alter table guest add column merged_into uuid references guest (id);
create index guest_merged_into_idx on guest (merged_into) where merged_into is not null;

-- 5. "Never merge these": pairs of source profiles a reviewer kept apart or split (both directions stored).
create table match_exclusion (
    source_profile_id       uuid         not null references source_profile (id),
    other_source_profile_id uuid         not null references source_profile (id),
    tenant                  varchar(100) not null,
    decided_by              varchar(200) not null,
    created_at              timestamptz  not null,
    primary key (source_profile_id, other_source_profile_id)
);
