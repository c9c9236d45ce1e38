-- History import from the import directory (issue 7): a job may read its file where an admin placed it, in
-- connector.imports.directory (a volume every replica mounts at that path), instead of from import_file chunks, so a
-- file of gigabytes is neither uploaded nor copied into the database. source_file is its name relative to the
-- directory, source_bytes its size when the job was created: a file that is missing or has another size when a worker
-- (re)starts the job fails it instead of importing something else.
alter table import_job add column source_file varchar(1000);
alter table import_job add column source_bytes bigint;
