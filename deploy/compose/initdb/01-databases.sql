-- One database per service (each service migrates its own with Flyway) and the registry's.
create database connector;
create database profile;
create database journey;
create database optout;
create database ops;
create database registry;
