#!/usr/bin/env bash
# The export benchmark: every prospect of a 1,000,000-prospect database (the one bench/run.sh
# builds with demo-data, cached in bench/out/) written by `mimicom export` as CSV and as XLSX,
# against pandas read_sql + to_csv and read_sql + to_excel (xlsxwriter engine) on the same
# database, measured in the same run: wall time, ratios and peak RSS (/usr/bin/time -v).
# Targets for MimiCom: CSV ≤ 3 s, XLSX ≤ 20 s. Not a test: it prints, it does not judge.
# Usage: bench/export.sh BUILD/mimicom   (BENCH_COUNT changes the size; BENCH_EXPORT_PEERS=0
# skips pandas, whose XLSX run takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
OUT=bench/out
COUNT=${BENCH_COUNT:-1000000}
PEERS=${BENCH_EXPORT_PEERS:-1}
PY=/usr/bin/python3
mkdir -p "$OUT"
DATA="$OUT/list-$COUNT"
if [ ! -f "$DATA/mimicom.db" ]; then
  rm -rf "$DATA"
  "$BIN" --data-dir "$DATA" demo-data --count "$COUNT" --seed 1
fi
n=$(sqlite3 "$DATA/mimicom.db" "SELECT count(*) FROM prospects")
echo "== export: $n prospects, every core column + tags ($DATA)"

# wall seconds and peak RSS (MB) of a command, from GNU time -v: "SECONDS RSS_MB"
measure() {
  /usr/bin/time -v -o "$OUT/time.txt" "$@" >"$OUT/cmd.log" 2>&1 || { cat "$OUT/cmd.log" >&2; return 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /Maximum resident set size/ { rss = $2 }
              END { printf "%.2f %d\n", s, rss / 1024 }' "$OUT/time.txt"
}

read -r csv_s csv_mb < <(measure "$BIN" --data-dir "$DATA" export --format csv -o "$OUT/export.csv")
printf "MimiCom export CSV :  %7.2f s  peak RSS %5d MB  %4d MB written\n" "$csv_s" "$csv_mb" $(($(stat -c %s "$OUT/export.csv") / 1000000))
read -r xlsx_s xlsx_mb < <(measure "$BIN" --data-dir "$DATA" export --format xlsx -o "$OUT/export.xlsx")
printf "MimiCom export XLSX:  %7.2f s  peak RSS %5d MB  %4d MB written\n" "$xlsx_s" "$xlsx_mb" $(($(stat -c %s "$OUT/export.xlsx") / 1000000))
[ "$PEERS" = 1 ] || exit 0

# pandas reads the same rows (tags joined in SQL, as MimiCom writes them) and writes them.
SQL="SELECT p.*, (SELECT group_concat(tag, ',') FROM prospect_tags WHERE prospect_id = p.id) AS tags FROM prospects p ORDER BY p.id"
read -r pcsv_s pcsv_mb < <(measure $PY -c "
import pandas as pd, sqlite3, sys
df = pd.read_sql(sys.argv[2], sqlite3.connect(sys.argv[1]))
df.to_csv(sys.argv[3], index=False)" "$DATA/mimicom.db" "$SQL" "$OUT/pandas.csv")
printf "pandas read_sql + to_csv:                  %7.2f s  peak RSS %5d MB\n" "$pcsv_s" "$pcsv_mb"
read -r pxlsx_s pxlsx_mb < <(measure $PY -c "
import pandas as pd, sqlite3, sys
df = pd.read_sql(sys.argv[2], sqlite3.connect(sys.argv[1]))
df.to_excel(sys.argv[3], index=False, engine='xlsxwriter')" "$DATA/mimicom.db" "$SQL" "$OUT/pandas.xlsx")
printf "pandas read_sql + to_excel (xlsxwriter):   %7.2f s  peak RSS %5d MB\n" "$pxlsx_s" "$pxlsx_mb"
$PY -c "
import sys; c, x, pc, px = map(float, sys.argv[1:])
print(f'ratio: pandas takes {pc / c:.1f}x MimiCom\'s time for CSV, {px / x:.1f}x for XLSX (above 1 = MimiCom faster)')" \
  "$csv_s" "$xlsx_s" "$pcsv_s" "$pxlsx_s"
