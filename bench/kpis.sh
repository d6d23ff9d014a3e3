#!/usr/bin/env bash
# The dashboard benchmark: GET /kpis (every number of the dashboard) over 1,000,000
# prospects, for the whole base and filtered on one sector, first idle, then while a CSV
# import adds 250,000 more to the same base; against pandas computing the same groupings on the
# same columns already loaded in memory (value_counts, weekly/monthly periods, missing
# values), measured in the same run. Prints figures and ratios; judges nothing.
# Usage: bench/kpis.sh BUILD/mimicom
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
OUT=bench/out
COUNT=${BENCH_COUNT:-1000000}
PY=/usr/bin/python3
mkdir -p "$OUT"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

SRC="$OUT/list-$COUNT"
if [ ! -f "$SRC/mimicom.db" ]; then
  rm -rf "$SRC"
  "$BIN" --data-dir "$SRC" demo-data --count "$COUNT" --seed 1
fi
# Other prospects than the base's (another seed), added while the dashboard is asked: the base
# grows from 1,000,000 by a quarter during the measure.
IMPORT_ROWS=${BENCH_KPI_IMPORT_ROWS:-$((COUNT / 4))}
CSV="$OUT/kpis-import-$IMPORT_ROWS.csv"
[ -f "$CSV" ] || "$BIN" demo-data --count "$IMPORT_ROWS" --seed 2 --csv "$CSV" --duplicates 2 --invalid 1
DATA="$OUT/kpis-db"  # a copy: the import below must not change the list benchmark's base
rm -rf "$DATA" && mkdir -p "$DATA" && cp "$SRC/mimicom.db" "$DATA/"
"$BIN" --data-dir "$DATA" user add bench@mimicom.local --role member --password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
TOKEN=$("$BIN" --data-dir "$DATA" token create --user bench@mimicom.local --name bench)
SECTOR=$(sqlite3 "$DATA/mimicom.db" "SELECT sector FROM prospects WHERE sector IS NOT NULL GROUP BY sector ORDER BY count(*) DESC LIMIT 1")
echo "== dashboard KPIs: $(sqlite3 "$DATA/mimicom.db" "SELECT count(*) FROM prospects") prospects; filter sector=$SECTOR"

PORT=$(free_port)
MIMICOM_ADMIN_PASSWORD=bench-admin-password "$BIN" serve --port "$PORT" --data-dir "$DATA" >"$OUT/kpis-serve.log" 2>&1 &
SERVER=$!; pids+=("$SERVER")

# Sequential requests on one keep-alive connection, alternating the whole base and the
# sector filter; prints per query "median p95 max n total" in ms.
cat >"$OUT/kpis_client.py" <<'PYEOF'
import http.client, json, os, statistics, sys, time
port, token, flag = int(sys.argv[1]), sys.argv[2], sys.argv[3]
queries = sys.argv[4:]
for _ in range(600):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", "/api/v1/health"); c.getresponse().read(); break
    except OSError: time.sleep(0.05)
else: sys.exit("server did not answer")
def once(q):
    t = time.perf_counter()
    c.request("GET", "/api/v1/kpis" + q, headers={"Authorization": "Bearer " + token})
    r = c.getresponse(); body = r.read()
    if r.status != 200: sys.exit(f"HTTP {r.status}: {body[:200]!r}")
    return (time.perf_counter() - t) * 1000, json.loads(body)["data"]["total"]
once("")  # the first request may wait for the index to load
times = {q: [] for q in queries}; totals = {}
n = 0
while (os.path.exists(flag) if flag != "idle" else n < 50):
    for q in queries:
        ms, totals[q] = once(q); times[q].append(ms)
    n += 1
for q in queries:
    t = sorted(times[q])
    print(f"{statistics.median(t):.1f} {t[max(0, int(len(t) * 0.95) - 1)]:.1f} {t[-1]:.1f} {len(t)} {totals[q]}")
PYEOF
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$1"; }
FILTER="?sector=$(enc "$SECTOR")"
SECONDS=0
report() {  # LABEL, then the client's two lines
  read -r a_med a_p95 a_max a_n a_total
  read -r s_med s_p95 s_max s_n s_total
  printf "MimiCom GET /kpis %-17s whole base (%s): median %5.1f ms  p95 %5.1f ms  max %6.1f ms  (%s requests)\n" "$1" "$a_total" "$a_med" "$a_p95" "$a_max" "$a_n"
  printf "MimiCom GET /kpis %-17s one sector (%s): median %5.1f ms  p95 %5.1f ms  max %6.1f ms  (%s requests)\n" "$1" "$s_total" "$s_med" "$s_p95" "$s_max" "$s_n"
  echo "$a_med $s_med" >"$OUT/kpis-last.txt"
}
$PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" idle "" "$FILTER" >"$OUT/kpis-idle-raw.txt"
report "idle," <"$OUT/kpis-idle-raw.txt"
read -r a_med s_med <"$OUT/kpis-last.txt"

# The same while `mimicom import` (another process) adds $IMPORT_ROWS rows, committing
# batches of 20,000.
FLAG="$OUT/kpis-importing"
touch "$FLAG"
( "$BIN" --data-dir "$DATA" import "$CSV" --on-duplicate skip >"$OUT/kpis-import.log" 2>&1; rm -f "$FLAG" ) &
pids+=($!)
$PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" "$FLAG" "" "$FILTER" >"$OUT/kpis-during-raw.txt"
report "during an import," <"$OUT/kpis-during-raw.txt"
grep -E "lignes lues|ajoutées" "$OUT/kpis-import.log" | tr '\n' ' '; echo
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
echo "MimiCom server peak RSS: $((rss_kb / 1024)) MB"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

# pandas: the same groupings over the same columns, loaded once (not timed).
read -r p_all p_sector < <($PY - "$DATA/mimicom.db" "$SECTOR" <<'PYEOF'
import sqlite3, statistics, sys, time
import pandas as pd
db, sector = sys.argv[1], sys.argv[2]
df = pd.read_sql("SELECT status, sector, region, company_size, source, owner, created_at, last_contact_at, "
                 "email IS NULL AS no_email, phone IS NULL AS no_phone, company IS NULL AS no_company FROM prospects",
                 sqlite3.connect(db))
def dashboard(d):
    out = {"total": len(d)}
    for c in ["status", "sector", "region", "company_size", "source", "owner"]:
        out[c] = d[c].value_counts(dropna=False)
    created = pd.to_datetime(d["created_at"], unit="s")
    out["week"] = created.dt.to_period("W-SUN").value_counts().sort_index()
    out["month"] = created.dt.to_period("M").value_counts().sort_index()
    out["contacted"] = pd.to_datetime(d["last_contact_at"].dropna(), unit="s").dt.to_period("W-SUN").value_counts()
    out["quality"] = d[["no_email", "no_phone", "no_company"]].sum()
    return out
def timed(f):
    ts = []
    for _ in range(7):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)
print(f"{timed(lambda: dashboard(df)):.1f} {timed(lambda: dashboard(df[df['sector'] == sector])):.1f}")
PYEOF
)
printf "pandas, same groupings in memory, whole base: median %6.1f ms;  one sector: %6.1f ms\n" "$p_all" "$p_sector"
$PY -c "import sys; a,s,pa,ps=map(float,sys.argv[1:]); print(f'ratio: MimiCom over HTTP answers {pa/a:.1f}x faster than pandas in memory (whole base), {ps/s:.1f}x (one sector)')" "$a_med" "$s_med" "$p_all" "$p_sector"
echo "elapsed: ${SECONDS} s"
