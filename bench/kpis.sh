#!/usr/bin/env bash
# The dashboard benchmark: GET /kpis (every number of the dashboard) over 1,000,000
# prospects, for the whole base and filtered on one sector, first idle, then while a CSV
# import writes into the same base; against pandas computing the same groupings on the
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
CSV="$OUT/import-$COUNT.csv"
[ -f "$CSV" ] || "$BIN" demo-data --count "$COUNT" --seed 1 --csv "$CSV" --duplicates 2 --invalid 1
DATA="$OUT/kpis-db"  # a copy: the import below must not change the list benchmark's base
rm -rf "$DATA" && mkdir -p "$DATA" && cp "$SRC/mimicom.db" "$DATA/"
"$BIN" --data-dir "$DATA" user add bench@mimicom.local --role member --password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
TOKEN=$("$BIN" --data-dir "$DATA" token create --user bench@mimicom.local --name bench)
SECTOR=$(sqlite3 "$DATA/mimicom.db" "SELECT sector FROM prospects WHERE sector IS NOT NULL GROUP BY sector ORDER BY count(*) DESC LIMIT 1")
echo "== dashboard KPIs: $(sqlite3 "$DATA/mimicom.db" "SELECT count(*) FROM prospects") prospects; filter sector=$SECTOR"

PORT=$(free_port)
MIMICOM_ADMIN_PASSWORD=bench-admin-password "$BIN" serve --port "$PORT" --data-dir "$DATA" >"$OUT/kpis-serve.log" 2>&1 &
SERVER=$!; pids+=("$SERVER")

# Sequential requests on one keep-alive connection; prints "median p95 max n" in ms.
cat >"$OUT/kpis_client.py" <<'PYEOF'
import http.client, json, os, statistics, sys, time, urllib.parse
port, token, query, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def connect():
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", "/api/v1/health"); c.getresponse().read(); return c
        except OSError: time.sleep(0.05)
    sys.exit("server did not answer")
c = connect()
def once():
    t = time.perf_counter()
    c.request("GET", "/api/v1/kpis" + query, headers={"Authorization": "Bearer " + token})
    r = c.getresponse(); body = r.read()
    if r.status != 200: sys.exit(f"HTTP {r.status}: {body[:200]!r}")
    return (time.perf_counter() - t) * 1000, json.loads(body)["data"]["total"]
once()  # the first request waits for the index to load
times, total = [], 0
if mode == "idle":
    for _ in range(50):
        ms, total = once(); times.append(ms)
else:  # while the file named by mode exists (the import runs)
    while os.path.exists(mode):
        ms, total = once(); times.append(ms)
times.sort()
print(f"{statistics.median(times):.1f} {times[int(len(times) * 0.95) - 1]:.1f} {times[-1]:.1f} {len(times)} {total}")
PYEOF
enc() { $PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$1"; }
FILTER="?sector=$(enc "$SECTOR")"
SECONDS=0
read -r a_med a_p95 a_max a_n a_total < <($PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" "" idle)
read -r s_med s_p95 s_max s_n s_total < <($PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" "$FILTER" idle)
printf "MimiCom GET /kpis, whole base (%s):        median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%s requests)\n" "$a_total" "$a_med" "$a_p95" "$a_max" "$a_n"
printf "MimiCom GET /kpis, one sector (%s):         median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%s requests)\n" "$s_total" "$s_med" "$s_p95" "$s_max" "$s_n"

# The same while `mimicom import` (another process) writes batches of 20,000 rows.
FLAG="$OUT/kpis-importing"
touch "$FLAG"
( "$BIN" --data-dir "$DATA" import "$CSV" --on-duplicate fill_empty >"$OUT/kpis-import.log" 2>&1; rm -f "$FLAG" ) &
pids+=($!)
$PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" "" "$FLAG" >"$OUT/kpis-during-all.txt" &
c1=$!
$PY "$OUT/kpis_client.py" "$PORT" "$TOKEN" "$FILTER" "$FLAG" >"$OUT/kpis-during-sector.txt"
wait "$c1"
read -r ia_med ia_p95 ia_max ia_n ia_total <"$OUT/kpis-during-all.txt"
read -r is_med is_p95 is_max is_n is_total <"$OUT/kpis-during-sector.txt"
printf "… during an import, whole base (%s at the end): median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%s requests)\n" "$ia_total" "$ia_med" "$ia_p95" "$ia_max" "$ia_n"
printf "… during an import, one sector:                 median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%s requests)\n" "$is_med" "$is_p95" "$is_max" "$is_n"
grep -E "lignes lues" "$OUT/kpis-import.log" | tail -1 || true
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
