#!/usr/bin/env bash
# MimiCom's benchmarks, each against the peer a user would pick instead, measured in the same
# run on this machine. Not a test: it prints figures and ratios, it does not judge them.
# Usage: bench/run.sh BUILD/mimicom   (make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
OUT=bench/out
COUNT=${BENCH_COUNT:-1000000}
DURATION=${BENCH_DURATION:-10s}
mkdir -p "$OUT"
PY=/usr/bin/python3

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # URL: bounded wait until it answers
  for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "bench: $1 did not answer" >&2; return 1
}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "== prospects list: $COUNT prospects, GET /prospects?per_page=50&sector=…&sort=-created_at (wrk -t2 -c32 -d$DURATION)"
DATA="$OUT/list-$COUNT"
if [ ! -f "$DATA/mimicom.db" ]; then
  rm -rf "$DATA"
  "$BIN" --data-dir "$DATA" demo-data --count "$COUNT" --seed 1
fi
rm -f "$DATA/token"
"$BIN" --data-dir "$DATA" user add bench@mimicom.local --role member --password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
TOKEN=$("$BIN" --data-dir "$DATA" token create --user bench@mimicom.local --name bench)
SECTOR=$(sqlite3 "$DATA/mimicom.db" "SELECT sector FROM prospects WHERE sector IS NOT NULL GROUP BY sector ORDER BY count(*) DESC LIMIT 1")
Q="per_page=50&sector=$($PY -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$SECTOR")&sort=-created_at"
echo "sector: $SECTOR ($(sqlite3 "$DATA/mimicom.db" "SELECT count(*) FROM prospects WHERE sector='$SECTOR'") prospects)"

PORT=$(free_port)
MIMICOM_ADMIN_PASSWORD=bench-admin-password "$BIN" serve --port "$PORT" --data-dir "$DATA" >"$OUT/serve.log" 2>&1 &
SERVER=$!; pids+=("$SERVER")
wait_http "http://127.0.0.1:$PORT/api/v1/health"
# Both servers get the same 3 s warm-up (connections opened, statements prepared, caches
# filled) before the measured run.
BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d3s -s bench/wrk_report.lua "http://127.0.0.1:$PORT/api/v1/prospects?$Q" >/dev/null
mimi=$(BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d"$DURATION" -s bench/wrk_report.lua "http://127.0.0.1:$PORT/api/v1/prospects?$Q" | grep RESULT)
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

PPORT=$(free_port)
MIMICOM_DB="$DATA/mimicom.db" $PY -m uvicorn fastapi_prospects:app --app-dir bench/peers --host 127.0.0.1 \
  --port "$PPORT" --workers 2 --log-level warning >"$OUT/fastapi.log" 2>&1 &
PEER=$!; pids+=("$PEER")
wait_http "http://127.0.0.1:$PPORT/openapi.json"
BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d3s -s bench/wrk_report.lua "http://127.0.0.1:$PPORT/api/v1/prospects?$Q" >/dev/null
peer=$(BENCH_TOKEN=$TOKEN wrk -t2 -c32 -d"$DURATION" -s bench/wrk_report.lua "http://127.0.0.1:$PPORT/api/v1/prospects?$Q" | grep RESULT)
kill "$PEER"; wait "$PEER" 2>/dev/null || true

echo "MimiCom           : $mimi peak_rss_mb=$((rss_kb / 1024))"
echo "FastAPI+uvicorn x2: $peer"
$PY - "$mimi" "$peer" <<'PYEOF'
import sys
def parse(line): return {k: float(v) for k, v in (x.split("=") for x in line.split()[1:])}
m, p = parse(sys.argv[1]), parse(sys.argv[2])
print(f"ratio: {m['rps'] / p['rps']:.1f}x the requests/s of FastAPI; p99 {m['p99_ms']:.2f} ms vs {p['p99_ms']:.2f} ms")
PYEOF

echo
bench/import.sh "$BIN"
echo
bench/kpis.sh "$BIN"

echo
bench/export.sh "$BIN"

echo
bench/kmeans.sh "$BIN"

echo
bench/segmentation.sh "$BIN"
