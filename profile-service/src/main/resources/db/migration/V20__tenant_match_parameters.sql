-- m/u fitted per tenant from its own profiles (ParameterEstimation), versioned; used only when accepted by the sanity
-- check (FittedParameterCheck). No personal data: field/level names and probabilities.
create table match_parameter_set (
    tenant          text        not null,
    version         integer     not null,
    fitted_at       timestamptz not null,
    fitted_by       text        not null,
    profiles        integer     not null,
    training_pairs  bigint      not null,
    accepted        boolean     not null,
    problems        jsonb       not null,
    parameters      jsonb       not null,
    primary key (tenant, version)
);

-- A fitted model's version names its tenant and set: fs-3-fitted/<tenant>/v<n>.
alter table match_decision alter column model_version type varchar(160);
