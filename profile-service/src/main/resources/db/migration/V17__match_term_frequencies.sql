-- Matching model fs-3: term frequencies of the match features. Per tenant and field (g given name, s surname, c city),
-- how many stored source profiles carry each value, under a hash of it (the first 16 bytes of SHA-256 of
-- field code, '|', value, in hex: no name is stored here); the field's total under the empty hash. Counted
-- incrementally by the intake (a stored profile's values added, a changed profile's old values removed) and by an
-- erasure (removed); the profiles held before this migration are counted here once.
create table match_term_frequency (
    tenant     varchar(200) not null,
    field      varchar(1)   not null,
    value_hash varchar(32)  not null,
    count      bigint       not null,
    primary key (tenant, field, value_hash)
);

insert into match_term_frequency (tenant, field, value_hash, count)
select tenant, field, encode(substring(sha256(convert_to(field || '|' || value, 'UTF8')) from 1 for 16), 'hex'), count(*)
from (
    select tenant, 'g' as field, match_given_name as value from source_profile where match_given_name is not null
    union all
    select tenant, 's', match_surname from source_profile where match_surname is not null
    union all
    select tenant, 'c', match_city from source_profile where match_city is not null
) as v
group by tenant, field, value;

insert into match_term_frequency (tenant, field, value_hash, count)
select tenant, field, '', sum(count) from match_term_frequency group by tenant, field;
