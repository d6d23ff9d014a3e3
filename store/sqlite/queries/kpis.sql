-- What the in-memory KPI index (core/kpis.hpp) reads: the rows and tags of the prospects
-- changed since a revision (see migrations/003), and the totals of imports.

-- name: kpi-rows-all
-- Every prospect's KPI columns (the first load).
SELECT id, status, sector, region, city, company_size, owner, source, opted_out, created_at, last_contact_at,
  email IS NOT NULL, phone IS NOT NULL, company IS NOT NULL
FROM prospects;

-- name: kpi-rows-since
-- The KPI columns of the prospects inserted or changed after revision ?1.
SELECT id, status, sector, region, city, company_size, owner, source, opted_out, created_at, last_contact_at,
  email IS NOT NULL, phone IS NOT NULL, company IS NOT NULL
FROM prospects WHERE rev > ?1;

-- name: kpi-tags-all
-- Every tag, by prospect.
SELECT prospect_id, tag FROM prospect_tags ORDER BY prospect_id;

-- name: kpi-tags-since
-- The tags of the prospects inserted or changed after revision ?1, each prospect's together.
-- CROSS JOIN keeps the changed prospects as the outer loop (by the rev index): otherwise the
-- planner scans every tag to follow the ORDER BY-free join in tag-index order.
SELECT t.prospect_id, t.tag FROM prospects p CROSS JOIN prospect_tags t ON t.prospect_id = p.id
WHERE p.rev > ?1;

-- name: kpi-deleted-since
-- The prospects deleted after revision ?1.
SELECT id FROM prospect_tombstones WHERE rev > ?1;

-- name: kpi-import-totals
-- Imports run to the end: how many, rows read, rows rejected.
SELECT count(*), coalesce(sum(json_extract(result, '$.rows')), 0), coalesce(sum(json_extract(result, '$.rejected')), 0)
FROM jobs WHERE type = 'import' AND state = 'succeeded';
