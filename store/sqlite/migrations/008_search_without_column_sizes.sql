-- The full-text index keeps no column sizes (columnsize = 0): nothing ranks matches (a search
-- is a filter, `id IN (… MATCH …)`), and writing each prospect's sizes into
-- prospects_fts_docsize took a quarter of the index's build (1M prospects, one transaction:
-- 5.2 s with them, 3.7 s without). The index is made again empty; the rows are marked as
-- not indexed yet (bulk_mode, migrations/002), so the store's search catch-up indexes them
-- in the background after the upgrade, and searches match them one by one meanwhile.
DROP TABLE prospects_fts;
CREATE VIRTUAL TABLE prospects_fts USING fts5 (
  first_name, last_name, company, email, job_title, city,
  content = 'prospects', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  columnsize = 0
);
UPDATE bulk_mode SET unindexed_from = coalesce((SELECT min(id) FROM prospects), 0) WHERE id = 1;
