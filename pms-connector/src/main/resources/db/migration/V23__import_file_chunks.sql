-- History import files are stored as they are uploaded, in chunks (issue 7): the upload streams its body into rows of
-- at most 1 MiB, numbered from 0, and the import worker reads them back one at a time, so neither holds a whole file
-- in the heap. A file stored before this version is its chunk 0.
alter table import_file add column seq integer not null default 0;
alter table import_file drop constraint import_file_pkey;
alter table import_file add primary key (job_id, seq);
