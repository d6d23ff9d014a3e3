#!/usr/bin/env bash
# The segmentation benchmark: k-means (k = 8) on 1,000,000 generated prospects encoded as a
# ~40-column matrix (sector, company size, source, revenue, employees, job title), by
# MimiCom's engine (FAISS iterations, k-means++ restarts on a sample, the winner refined on
# every row) and by scikit-learn's KMeans(n_init=3) on exactly the same float32 matrix, in the
# same run. Each fit is timed alone (not the data generation nor the loading); both inertias
# are sums over every row. Prints figures and ratios; judges nothing.
# Usage: bench/kmeans.sh BUILD/mimicom   (bench_kmeans is built beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/mimicom}")
BENCH_KMEANS="$(dirname "$BIN")/bench_kmeans"
OUT=bench/out
COUNT=${BENCH_KMEANS_COUNT:-${BENCH_COUNT:-1000000}}
K=${BENCH_KMEANS_K:-8}
# Threads of both fits (default: every core). 1 gives figures that hold on a busy machine.
THREADS=${BENCH_KMEANS_THREADS:-$(nproc)}
# Each side's best time of this many fits of the same matrix (its timings here vary by a third
# from one run to the next); the fits of a side are identical, so its inertia is one.
REPEAT=${BENCH_KMEANS_REPEAT:-3}
PY=/usr/bin/python3
mkdir -p "$OUT"
MATRIX="$OUT/kmeans-$COUNT.f32"

echo "== segmentation k-means: $COUNT prospects, k=$K, $THREADS threads each ($(nproc) cores), best of $REPEAT fits each"
# OpenMP threads wait passively in both, as in `mimicom` (cmd/main.cpp sets it for itself):
# spinning threads cost a fit several times its time when another process holds a core.
export OMP_WAIT_POLICY=passive
/usr/bin/time -f "%e %M" -o "$OUT/kmeans-time.txt" "$BENCH_KMEANS" --count "$COUNT" --k "$K" --seed 1 --threads "$THREADS" --repeat "$REPEAT" --out "$MATRIX" \
  >"$OUT/kmeans-mimicom.txt" 2>"$OUT/kmeans-mimicom.log" || { cat "$OUT/kmeans-mimicom.log" >&2; exit 1; }
mimi=$(grep RESULT "$OUT/kmeans-mimicom.txt")
read -r _ mimi_kb <"$OUT/kmeans-time.txt"
COLS=$(sed -E 's/.* cols=([0-9]+).*/\1/' <<<"$mimi")

cat >"$OUT/kmeans_peer.py" <<'PYEOF'
import sys, time
import numpy as np
from sklearn.cluster import KMeans
path, cols, k, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(path, dtype=np.float32).reshape(-1, cols)
fit_s = None
for _ in range(repeat):  # the best time; random_state=0 makes every fit the same
    t = time.perf_counter()
    km = KMeans(n_clusters=k, n_init=3, random_state=0).fit(x)
    s = time.perf_counter() - t
    fit_s = s if fit_s is None else min(fit_s, s)
# inertia_ recomputed in float64 over every row, as MimiCom reports its own
c = km.cluster_centers_.astype(np.float64)
inertia = sum(float(((x[i:i + 100000].astype(np.float64) - c[km.labels_[i:i + 100000]]) ** 2).sum())
              for i in range(0, len(x), 100000))
print(f"RESULT rows={len(x)} cols={cols} fit_s={fit_s:.3f} inertia={inertia:.6e} iterations={km.n_iter_}")
PYEOF
OMP_NUM_THREADS=$THREADS /usr/bin/time -f "%e %M" -o "$OUT/kmeans-time.txt" $PY "$OUT/kmeans_peer.py" "$MATRIX" "$COLS" "$K" "$REPEAT" \
  >"$OUT/kmeans-sklearn.txt" 2>"$OUT/kmeans-sklearn.log" || { cat "$OUT/kmeans-sklearn.log" >&2; exit 1; }
peer=$(grep RESULT "$OUT/kmeans-sklearn.txt")
read -r _ peer_kb <"$OUT/kmeans-time.txt"
rm -f "$MATRIX"  # 160 MB a million rows: regenerated each run in seconds

echo "MimiCom (FAISS)            : ${mimi#RESULT } peak_rss_mb=$((mimi_kb / 1024))"
echo "scikit-learn KMeans n_init=3: ${peer#RESULT } peak_rss_mb=$((peer_kb / 1024))"
$PY - "$mimi" "$peer" <<'PYEOF'
import sys
def parse(line): return {k: float(v) for k, v in (x.split("=") for x in line.split()[1:])}
m, p = parse(sys.argv[1]), parse(sys.argv[2])
rel = (m["inertia"] - p["inertia"]) / p["inertia"] * 100
print(f"ratio: fit {p['fit_s'] / m['fit_s']:.1f}x faster than scikit-learn; inertia {rel:+.3f} % "
      f"({'lower or equal' if m['inertia'] <= p['inertia'] else 'higher'})")
PYEOF
