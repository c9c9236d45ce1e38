-- Per-campaign templates (issue 9): a campaign names a template (template_name: <name>.<lang>.txt/.html through the
-- chain hotel > tenant > built-in, as every template), or carries its own inline Qute subject, text and HTML
-- (content_*; content_language: the language it is written in, may be null), or neither: the tenant's default
-- template "campaign". Validated by the API before it is stored.
alter table campaign add column template_name varchar(60);
alter table campaign add column content_subject text;
alter table campaign add column content_text text;
alter table campaign add column content_html text;
alter table campaign add column content_language varchar(8);
