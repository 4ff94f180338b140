#!/usr/bin/env bash
# Reproduces the kinesalite baseline of bench/kinesalite-baseline.md with one command:
# builds `sluice` (release), installs kinesalite from npm, and runs the `sluice bench` workload
# against it — a fresh in-memory kinesalite per run, its peak RSS read from /proc.
#
#   bench/run-kinesalite.sh                 # 3 runs of each workload, medians at the end
#   RUNS=1 PUT_SECONDS=5 bench/run-kinesalite.sh   # quick check
#
# Needs: cargo, node + npm. Everything it sends goes to 127.0.0.1 only. Raw results (one JSON
# line per run) go to $OUT (default target/kinesalite-bench/).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${KINESALITE_PORT:-4568}
RUNS=${RUNS:-3}
PUT_SECONDS=${PUT_SECONDS:-20}
SINGLE_SECONDS=${SINGLE_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
KINESALITE_VERSION=${KINESALITE_VERSION:-3.3.3}
KINESALITE_DIR=${KINESALITE_DIR:-$ROOT/target/kinesalite}
OUT=${OUT:-$ROOT/target/kinesalite-bench}
SLUICE=${SLUICE:-$ROOT/target/release/sluice}
export SLUICE_ENDPOINT="http://127.0.0.1:$PORT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$ROOT" && cargo build --release -p sluice)
fi
if [[ ! -f "$KINESALITE_DIR/node_modules/kinesalite/cli.js" ]]; then
  mkdir -p "$KINESALITE_DIR"
  npm install --prefix "$KINESALITE_DIR" --no-audit --no-fund "kinesalite@$KINESALITE_VERSION"
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl

KINESALITE_PID=
stop_kinesalite() {
  if [[ -n "$KINESALITE_PID" ]] && kill -0 "$KINESALITE_PID" 2>/dev/null; then
    kill "$KINESALITE_PID"
    wait "$KINESALITE_PID" 2>/dev/null || true
  fi
  KINESALITE_PID=
}
trap stop_kinesalite EXIT

# Starts a fresh, empty kinesalite (in memory; no CREATING/DELETING delay; room for many shards).
start_kinesalite() {
  stop_kinesalite
  node "$KINESALITE_DIR/node_modules/kinesalite/cli.js" --port "$PORT" \
    --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 --shardLimit 1000 \
    >"$OUT/kinesalite.log" 2>&1 &
  KINESALITE_PID=$!
  for _ in $(seq 1 100); do
    if "$SLUICE" streams >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "kinesalite did not start; see $OUT/kinesalite.log" >&2
  exit 1
}

# Peak resident set size of kinesalite so far, in MiB.
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$KINESALITE_PID/status"
}

for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS: PutRecords 500 x 1 KiB, 4 shards, concurrency 8, ${PUT_SECONDS} s; then read back" >&2
  start_kinesalite
  "$SLUICE" bench put --create --stream bench --shards 4 --concurrency 8 --records-per-request 500 \
    --record-bytes 1024 --warmup "$WARMUP_SECONDS" --duration "$PUT_SECONDS" --json | tee -a "$OUT/put-batch.jsonl"
  "$SLUICE" bench get --stream bench --concurrency 8 --limit 10000 --json | tee -a "$OUT/get.jsonl"
  echo "{\"run\":$run,\"kinesalite_peak_rss_mib\":$(peak_rss_mib)}" | tee -a "$OUT/rss.jsonl"

  echo "== run $run/$RUNS: PutRecord 1 x 1 KiB, concurrency 1, ${SINGLE_SECONDS} s" >&2
  start_kinesalite
  "$SLUICE" bench put --create --stream bench --shards 4 --concurrency 1 --records-per-request 1 \
    --record-bytes 1024 --warmup "$WARMUP_SECONDS" --duration "$SINGLE_SECONDS" --json | tee -a "$OUT/put-single.jsonl"
done
stop_kinesalite

echo "== fsync probe on $ROOT/target/fsync-probe" >&2
for _ in $(seq 1 "$RUNS"); do
  "$SLUICE" bench fsync --dir "$ROOT/target/fsync-probe" --count 1000 --bytes 4096 --json | tee -a "$OUT/fsync.jsonl"
done

# Medians over the runs (node is there: kinesalite needs it).
node - "$OUT" <<'EOF'
const fs = require('fs');
const dir = process.argv[2];
const read = (name) => fs.readFileSync(`${dir}/${name}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const of = (rows, pick) => median(rows.map(pick)).toFixed(2);
const batch = read('put-batch.jsonl');
const get = read('get.jsonl');
const rss = read('rss.jsonl');
const single = read('put-single.jsonl');
const fsync = read('fsync.jsonl');
console.log(`\nkinesalite medians of ${batch.length} run(s):`);
console.log(`PutRecords 500x1KiB c=8: ${of(batch, (r) => r.records_per_s)} records/s, ${of(batch, (r) => r.payload_mib_per_s)} MiB/s, ` +
  `p50 ${of(batch, (r) => r.latency.p50_ms)} ms, p99 ${of(batch, (r) => r.latency.p99_ms)} ms, failed records ${of(batch, (r) => r.failed_records)}`);
console.log(`GetRecords read-back:    ${of(get, (r) => r.records_per_s)} records/s, ${of(get, (r) => r.payload_mib_per_s)} MiB/s, ` +
  `p50 ${of(get, (r) => r.latency.p50_ms)} ms, p99 ${of(get, (r) => r.latency.p99_ms)} ms`);
console.log(`kinesalite peak RSS:     ${of(rss, (r) => r.kinesalite_peak_rss_mib)} MiB`);
console.log(`PutRecord 1x1KiB c=1:    ${of(single, (r) => r.records_per_s)} records/s, ` +
  `p50 ${of(single, (r) => r.latency.p50_ms)} ms, p99 ${of(single, (r) => r.latency.p99_ms)} ms`);
console.log(`fsync 4 KiB:             p50 ${of(fsync, (r) => r.latency.p50_ms)} ms, p99 ${of(fsync, (r) => r.latency.p99_ms)} ms, max ${of(fsync, (r) => r.latency.max_ms)} ms`);
EOF
