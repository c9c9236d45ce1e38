-- Open and click tracking (issue 9): the first open (tracking pixel, or a click, which implies one) and the first click
-- of a message; set once (idempotent), never cleared. Not mapped by the entity, so no whole-row update overwrites them.
alter table communication add column first_opened_at timestamptz;
alter table communication add column first_clicked_at timestamptz;
