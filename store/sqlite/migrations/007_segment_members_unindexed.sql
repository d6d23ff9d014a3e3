-- prospect_segments keeps only its primary key (the prospect). An index on the segment cost
-- each apply of a run a sort of every prospect's segment (1.3 s of a 1M-prospect job) and
-- saved little: a segment filter reads the whole table instead (~7,000 pages on 1M
-- prospects, tenths of a second at most), and a large segment's cost is in the prospects it
-- brings, which the index does not change.
DROP INDEX IF EXISTS prospect_segments_segment;
