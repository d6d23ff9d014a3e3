#!/usr/bin/env bash
# The whole segmentation job on the 1,000,000 demo prospects of the list benchmark: read them
# from the store (once: values counted and kept compact), encode, fit k = 8, assign, explain the
# segments, project the plot's points, and write each prospect's segment back in checkpointed
# batches — as `POST /api/v1/segmentations` runs it in `mimicom serve`. Timed from the job's
# own start and end, with each step's time from its log, and the server's peak RSS.
# The peer, on the same database in the same run: what a Python user would write —
# pandas read_sql of the same columns, get_dummies + log1p + StandardScaler, scikit-learn
# KMeans(n_clusters=8, n_init=3), labels written back with to_sql. Prints; judges nothing.
# Usage: bench/segmentation.sh BUILD/mimicom
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
OUT=bench/out
COUNT=${BENCH_COUNT:-1000000}
DATA="$OUT/list-$COUNT"
PY=/usr/bin/python3
FIELDS='["sector","region","company_size","source","annual_revenue","employees","job_title"]'
mkdir -p "$OUT"
if [ ! -f "$DATA/mimicom.db" ]; then
  rm -rf "$DATA"
  "$BIN" --data-dir "$DATA" demo-data --count "$COUNT" --seed 1
fi
"$BIN" --data-dir "$DATA" user add bench@mimicom.local --role member --password-stdin <<<"bench-password-123" >/dev/null 2>&1 || true
TOKEN=$("$BIN" --data-dir "$DATA" token create --user bench@mimicom.local --name bench-segmentation)

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
MIMICOM_WORKERS=1 MIMICOM_ADMIN_PASSWORD=bench-admin-password "$BIN" serve --port "$PORT" --data-dir "$DATA" \
  >"$OUT/segmentation-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" && break; sleep 0.1; done
API="http://127.0.0.1:$PORT/api/v1"
H="Authorization: Bearer $TOKEN"

# As on a server already running: its start-up work (the KPI index's first load of every
# prospect, on another thread) is over before the job starts.
curl -fs -o /dev/null -H "$H" "$API/kpis"
echo "== segmentation job: $COUNT prospects, k=8, fields $FIELDS (mimicom serve, 1 worker)"
JOB=$(curl -fs -H "$H" -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench\",\"fields\":$FIELDS,\"k\":8,\"seed\":1}" "$API/segmentations" |
  $PY -c 'import json,sys; print(json.load(sys.stdin)["data"]["job"]["id"])')
# The job's event stream ends when the job ends.
curl -fsN -H "$H" "$API/jobs/$JOB/events" >/dev/null
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
curl -fs -H "$H" "$API/jobs/$JOB" >"$OUT/segmentation-job.json"
curl -fs -H "$H" "$API/jobs/$JOB/logs" >"$OUT/segmentation-logs.json"
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
mimi=$($PY - "$OUT/segmentation-job.json" "$OUT/segmentation-logs.json" "$rss_kb" <<'PYEOF'
import json, sys
from datetime import datetime
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
job = json.load(open(sys.argv[1]))["data"]
logs = json.load(open(sys.argv[2]))["data"]
assert job["state"] == "succeeded", job
start, end = t(job["started_at"]), t(job["finished_at"])
steps = " | ".join(f"{t(l['at']) - start:5.2f}s {l['message']}" for l in logs)
print(f"RESULT seconds={end - start:.3f} rows={job['result']['rows']} silhouette={job['result']['silhouette']:.3f} "
      f"peak_rss_mb={int(sys.argv[3]) // 1024}\n  steps: {steps}")
PYEOF
)

cat >"$OUT/segmentation_peer.py" <<'PYEOF'
import sqlite3, sys, time
import numpy as np, pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
db = sys.argv[1]
t0 = time.perf_counter()
con = sqlite3.connect(db)
df = pd.read_sql("SELECT id, sector, region, company_size, source, annual_revenue, employees, job_title FROM prospects", con)
t_read = time.perf_counter() - t0
cats = pd.get_dummies(df[["sector", "region", "company_size", "source"]], dummy_na=True, dtype=np.float32)
nums = np.log1p(df[["annual_revenue", "employees"]].astype(float).clip(lower=0))
miss = nums.isna().astype(np.float32).add_suffix("_missing")
nums = pd.DataFrame(StandardScaler().fit_transform(nums.fillna(nums.mean())), columns=nums.columns)
words = df["job_title"].fillna("").str.lower().str.get_dummies(sep=" ")
words = words.loc[:, words.sum() >= len(df) * 0.01].astype(np.float32)
x = np.hstack([cats.values, nums.values.astype(np.float32), miss.values, words.values]).astype(np.float32)
t_encode = time.perf_counter() - t0 - t_read
t1 = time.perf_counter()
km = KMeans(n_clusters=8, n_init=3, random_state=0).fit(x)
t_fit = time.perf_counter() - t1
t2 = time.perf_counter()
con.execute("DROP TABLE IF EXISTS peer_segments")
pd.DataFrame({"prospect_id": df["id"], "segment": km.labels_}).to_sql("peer_segments", con, index=False)
con.commit()
con.execute("DROP TABLE peer_segments")
con.commit()
t_write = time.perf_counter() - t2
print(f"RESULT seconds={time.perf_counter() - t0:.3f} rows={len(df)} cols={x.shape[1]} read_s={t_read:.2f} "
      f"encode_s={t_encode:.2f} fit_s={t_fit:.2f} write_s={t_write:.2f}")
PYEOF
/usr/bin/time -f "%M" -o "$OUT/segmentation-peer-rss.txt" $PY "$OUT/segmentation_peer.py" "$DATA/mimicom.db" \
  >"$OUT/segmentation-peer.txt" 2>"$OUT/segmentation-peer.log" || { cat "$OUT/segmentation-peer.log" >&2; exit 1; }
peer=$(grep RESULT "$OUT/segmentation-peer.txt")
peer_kb=$(tail -1 "$OUT/segmentation-peer-rss.txt")

echo "MimiCom job                     : ${mimi#RESULT }"
echo "pandas + scikit-learn (n_init=3): ${peer#RESULT } peak_rss_mb=$((peer_kb / 1024))"
$PY - "$mimi" "$peer" <<'PYEOF'
import sys
def parse(line): return {k: float(v) for k, v in (x.split("=") for x in line.splitlines()[0].split()[1:])}
m, p = parse(sys.argv[1]), parse(sys.argv[2])
print(f"ratio: the whole job {p['seconds'] / m['seconds']:.1f}x faster than pandas + scikit-learn")
PYEOF
