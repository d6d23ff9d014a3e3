#!/usr/bin/env bash
# The CSV import benchmark: a realistic 1,000,000-row file (17 columns, ~2 % duplicate and
# ~1 % invalid e-mails, quoted notes with commas, € and line breaks) imported into an empty
# database end to end, then imported again (all duplicates, policy fill_empty), against
# the sqlite3 shell's .import (no validation, one unique index) and pandas read_csv + to_sql
# (no validation, no index), measured in the same run. Prints figures and ratios.
# Usage: bench/import.sh BUILD/mimicom
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
OUT=bench/out
ROWS=${BENCH_IMPORT_ROWS:-1000000}
PY=/usr/bin/python3
mkdir -p "$OUT"
CSV="$OUT/import-$ROWS.csv"
[ -f "$CSV" ] || "$BIN" demo-data --count "$ROWS" --seed 1 --csv "$CSV" --duplicates 2 --invalid 1
echo "== CSV import: $ROWS rows, $(($(stat -c %s "$CSV") / 1000000)) MB ($CSV)"

# wall seconds and peak RSS (MB) of a command: "SECONDS RSS_MB"
measure() {
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" >"$OUT/cmd.log" 2>&1 || { cat "$OUT/cmd.log" >&2; return 1; }
  awk '{printf "%s %d\n", $1, $2 / 1024}' "$OUT/time.txt"
}

DATA="$OUT/import-db"
rm -rf "$DATA"
read -r mimi_s mimi_mb < <(measure "$BIN" --data-dir "$DATA" import "$CSV" --on-duplicate skip)
grep -E "lignes lues|ajoutées|doublons|rejetées" "$OUT/cmd.log" | tr '\n' ' '; echo
found=$(sqlite3 "$DATA/mimicom.db" "SELECT count(*) FROM prospects_fts WHERE prospects_fts MATCH 'martin'")
job_s=$(sed -n 's/^durée : \([0-9.]*\) s$/\1/p' "$OUT/cmd.log")
printf "MimiCom import (validate, normalise, dedupe, all indexes + search): %6.2f s  peak RSS %4d MB  (search for 'martin': %s hits)\n" "$mimi_s" "$mimi_mb" "$found"
printf "  of which the job (every index ready, search answering):          %6.2f s  (the search index is built after it)\n" "$job_s"
# The job's steps, from its log: the load (parse, validate, dedupe, write) and the index builds.
sqlite3 "$DATA/mimicom.db" "SELECT
  printf('    load %.2f s, then %s; the search index %s s after the job',
    (max(CASE WHEN message LIKE 'terminé%' THEN at END) - min(at)) / 1000.0,
    coalesce(max(CASE WHEN message LIKE '% index construits en %' THEN message END), 'no index built after it'),
    '$(sed -n 's/^index de recherche terminé \([0-9.]*\) s .*/\1/p' "$OUT/cmd.log" | cut -c1-4)')
  FROM job_logs WHERE job_id = (SELECT min(id) FROM jobs WHERE type = 'import')"
read -r again_s again_mb < <(measure "$BIN" --data-dir "$DATA" import "$CSV" --on-duplicate fill_empty)
printf "MimiCom re-import, all duplicates, fill_empty:                    %6.2f s  peak RSS %4d MB\n" "$again_s" "$again_mb"

# The index builds after a bulk load alone: the same 10 indexes, dropped from a copy of the base
# above and listed as deferred (the store's opening builds them), against the sqlite3 shell's
# CREATE INDEX of the same statements on another copy.
IX="$OUT/index-db"
rm -rf "$IX"
mkdir -p "$IX"
cp "$DATA/mimicom.db" "$IX/mimicom.db"
LIST="FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'prospects' AND sql IS NOT NULL
  AND name NOT IN ('prospects_rev', 'prospects_created')"
creates=$(sqlite3 "$IX/mimicom.db" "SELECT group_concat(sql, '; ') $LIST")
drops=$(sqlite3 "$IX/mimicom.db" "SELECT group_concat('DROP INDEX ' || name, '; ') $LIST")
sqlite3 "$IX/mimicom.db" "INSERT INTO deferred_indexes (name, sql, job_id) SELECT name, sql, -1 $LIST; $drops;
  PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$IX/mimicom.db" "$IX/peer.db"
read -r ix_s ix_mb < <(measure sh -c "echo bench-password-123 | '$BIN' --data-dir '$IX' user add ix@bench.local --password-stdin")
built=$(sqlite3 "$IX/mimicom.db" "SELECT count(*) $LIST")
printf "MimiCom, the 10 deferred indexes of that base (as it opens):      %6.2f s  peak RSS %4d MB  (%s built)\n" "$ix_s" "$ix_mb" "$built"
read -r ixp_s ixp_mb < <(measure sqlite3 "$IX/peer.db" "$creates")
printf "sqlite3 shell, CREATE INDEX of the same 10:                       %6.2f s  peak RSS %4d MB\n" "$ixp_s" "$ixp_mb"
$PY -c "import sys; m, p = map(float, sys.argv[1:]); print(f'ratio: the sqlite3 shell takes {p / m:.2f}x MimiCom\'s time for the index builds')" "$ix_s" "$ixp_s"
rm -rf "$IX"  # 1 GB of copies: out of the way of the page cache for the next steps

SQ="$OUT/sqlite3-import.db"
rm -f "$SQ"
cols=$(head -1 "$CSV" | $PY -c 'import sys,csv; print(", ".join("\"%s\" TEXT" % c.replace("\"","") for c in next(csv.reader(sys.stdin))))')
sqlite3 "$SQ" "CREATE TABLE p ($cols); CREATE UNIQUE INDEX p_email ON p (\"E-mail\");"
read -r sq_s sq_mb < <(measure sqlite3 "$SQ" -cmd ".mode csv" -cmd ".import --skip 1 $CSV p" "SELECT 1")
printf "sqlite3 .import (no validation, unique e-mail index only):        %6.2f s  peak RSS %4d MB\n" "$sq_s" "$sq_mb"

PD="$OUT/pandas-import.db"
rm -f "$PD"
read -r pd_s pd_mb < <(measure $PY -c "
import pandas as pd, sqlite3, sys
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
con = sqlite3.connect(sys.argv[2])
df.to_sql('p', con, index=False, chunksize=50000)
con.commit()" "$CSV" "$PD")

printf "pandas read_csv + to_sql (no validation, no index):               %6.2f s  peak RSS %4d MB\n" "$pd_s" "$pd_mb"
$PY -c "
import sys; m, s, p = map(float, sys.argv[1:])
print(f'ratio: sqlite3 .import takes {s / m:.2f}x MimiCom\'s time, pandas {p / m:.2f}x (above 1 = MimiCom faster)')" "$mimi_s" "$sq_s" "$pd_s"
# The same against the job alone: the import with every index ready and search answering (the
# peers build no search index; MimiCom's command above also waits for its own before it ends).
$PY -c "
import sys; m, s, p = map(float, sys.argv[1:])
print(f'ratio against the job: sqlite3 .import takes {s / m:.2f}x, pandas {p / m:.2f}x')" "$job_s" "$sq_s" "$pd_s"
