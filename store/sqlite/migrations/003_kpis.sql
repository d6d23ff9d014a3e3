-- Revisions of prospects, so the in-memory KPI index (store/kpi_cache.hpp) can follow the
-- changes without reading the whole table again.
--
-- Every transaction that changes prospects first bumps data_versions('prospects'), then
-- stamps each row it inserts or updates with that version (`rev`), and each row it deletes
-- leaves a tombstone with it. Writers are serialised, so revisions commit in increasing
-- order: a reader that has applied every change up to version V reads, in one snapshot, the
-- rows with rev > V and the tombstones with rev > V, and is exact again.

ALTER TABLE prospects ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX prospects_rev ON prospects (rev);

CREATE TABLE prospect_tombstones (
  rev INTEGER NOT NULL,
  id  INTEGER NOT NULL,
  PRIMARY KEY (rev, id)
) WITHOUT ROWID;

CREATE TRIGGER prospects_tombstone AFTER DELETE ON prospects BEGIN
  INSERT OR IGNORE INTO prospect_tombstones (rev, id)
  VALUES ((SELECT version FROM data_versions WHERE name = 'prospects'), old.id);
END;

-- The prospects list filtered on the last contact date (the dashboard's "contacted per week"
-- opens it). Partial: most imported prospects were never contacted, and cost nothing here.
CREATE INDEX prospects_last_contact ON prospects (last_contact_at, created_at) WHERE last_contact_at IS NOT NULL;
