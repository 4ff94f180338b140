#!/usr/bin/env bash
# Runs the Kinesis benchmark suite of BENCHMARKS.md with one command, against Sluice and against
# kinesalite (the same load generator, the same workloads, in the same session):
#
#   bench/run.sh                                  # both targets, 3 runs each, medians at the end
#   TARGETS=sluice RUNS=1 PUT_SECONDS=5 bench/run.sh   # quick check of Sluice only
#
# Workloads (per run, on a fresh server):
#   1. PutRecords 500 x 1 KiB JSON, 4 shards, concurrency 8  -> records/s, MiB/s, latency
#   2. GetRecords read-back of everything written (Limit 10000, all shards in parallel)
#   3. PutRecord 1 x 1 KiB, concurrency 1                     -> latency, compared with fsync p99
#   4. peak RSS while ingesting and while reading (VmHWM, reset in between via clear_refs)
# plus, for Sluice: restart time after SIGKILL with RESTART_GIB GiB of log, and the disk's fsync
# latency probe. Sluice runs with its defaults (--fsync always). Everything goes to 127.0.0.1.
# Needs: cargo, python3, node + npm (kinesalite). Raw results: one JSON line per run in $OUT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGETS=${TARGETS:-"sluice kinesalite"}
PORT=${BENCH_PORT:-4570}
RUNS=${RUNS:-3}
PUT_SECONDS=${PUT_SECONDS:-20}
SINGLE_SECONDS=${SINGLE_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
RESTART_GIB=${RESTART_GIB:-10}
KINESALITE_VERSION=${KINESALITE_VERSION:-3.3.3}
KINESALITE_DIR=${KINESALITE_DIR:-$ROOT/target/kinesalite}
OUT=${OUT:-$ROOT/target/bench}
SLUICE=${SLUICE:-$ROOT/target/release/sluice}
export SLUICE_ENDPOINT="http://127.0.0.1:$PORT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$ROOT" && cargo build --release -p sluice)
fi
if [[ " $TARGETS " == *" kinesalite "* && ! -f "$KINESALITE_DIR/node_modules/kinesalite/cli.js" ]]; then
  mkdir -p "$KINESALITE_DIR"
  npm install --prefix "$KINESALITE_DIR" --no-audit --no-fund "kinesalite@$KINESALITE_VERSION"
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

wait_ready() {
  for _ in $(seq 1 200); do
    if "$SLUICE" streams >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "$1 did not start; see $OUT/$1.log" >&2
  exit 1
}

# Starts a fresh, empty server of kind $1.
start_server() {
  stop_server
  case "$1" in
    sluice)
      rm -rf "$OUT/sluice-data"
      "$SLUICE" serve --listen "127.0.0.1:$PORT" --data-dir "$OUT/sluice-data" >"$OUT/sluice.log" 2>&1 &
      ;;
    kinesalite)
      node "$KINESALITE_DIR/node_modules/kinesalite/cli.js" --port "$PORT" \
        --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 --shardLimit 1000 >"$OUT/kinesalite.log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  wait_ready "$1"
}

peak_rss_mib() { awk '/^VmHWM:/ { printf "%.1f\n", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
reset_peak_rss() { echo 5 >"/proc/$SERVER_PID/clear_refs"; }

for target in $TARGETS; do
  for run in $(seq 1 "$RUNS"); do
    echo "== $target run $run/$RUNS: PutRecords 500 x 1 KiB, 4 shards, c=8, ${PUT_SECONDS} s; read back" >&2
    start_server "$target"
    "$SLUICE" bench put --create --stream bench --shards 4 --concurrency 8 --records-per-request 500 \
      --record-bytes 1024 --warmup "$WARMUP_SECONDS" --duration "$PUT_SECONDS" --json | tee -a "$OUT/$target-put-batch.jsonl"
    ingest_rss=$(peak_rss_mib)
    reset_peak_rss
    "$SLUICE" bench get --stream bench --concurrency 8 --limit 10000 --json | tee -a "$OUT/$target-get.jsonl"
    echo "{\"ingest_peak_rss_mib\":$ingest_rss,\"read_peak_rss_mib\":$(peak_rss_mib)}" | tee -a "$OUT/$target-rss.jsonl"

    echo "== $target run $run/$RUNS: PutRecord 1 x 1 KiB, c=1, ${SINGLE_SECONDS} s" >&2
    start_server "$target"
    "$SLUICE" bench put --create --stream bench --shards 4 --concurrency 1 --records-per-request 1 \
      --record-bytes 1024 --warmup "$WARMUP_SECONDS" --duration "$SINGLE_SECONDS" --json | tee -a "$OUT/$target-put-single.jsonl"
    "$SLUICE" bench fsync --dir "$OUT/fsync-probe" --count 1000 --bytes 4096 --json | tee -a "$OUT/fsync.jsonl"
  done
done
stop_server

if [[ " $TARGETS " == *" sluice "* && "$RESTART_GIB" != 0 ]]; then
  echo "== sluice: fill ${RESTART_GIB} GiB of log, SIGKILL, time restarts until /health answers" >&2
  start_server sluice
  create=--create
  while (( $(du -sb "$OUT/sluice-data" | cut -f1) < RESTART_GIB * 1073741824 )); do
    "$SLUICE" bench put $create --stream big --shards 4 --concurrency 8 --records-per-request 500 \
      --record-bytes 1024 --duration 10 --json >/dev/null
    create=
  done
  du -sb "$OUT/sluice-data" | awk '{ printf "{\"log_gib\":%.2f}\n", $1 / 1073741824 }' | tee "$OUT/sluice-restart-size.json"
  for _ in $(seq 1 "$RUNS"); do
    kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    started=$(date +%s%N)
    "$SLUICE" serve --listen "127.0.0.1:$PORT" --data-dir "$OUT/sluice-data" >>"$OUT/sluice.log" 2>&1 &
    SERVER_PID=$!
    until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do sleep 0.002; done
    echo "{\"restart_ms\":$(( ($(date +%s%N) - started) / 1000000 ))}" | tee -a "$OUT/sluice-restart.jsonl"
  done
  stop_server
  rm -rf "$OUT/sluice-data"
fi

python3 - "$OUT" "$TARGETS" <<'PY'
import json, statistics, sys, os
out, targets = sys.argv[1], sys.argv[2].split()
def rows(name):
    path = os.path.join(out, name)
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []
med = lambda values: statistics.median(values) if values else float("nan")
fsync = rows("fsync.jsonl")
for target in targets:
    batch, get, single, rss = (rows(f"{target}-{name}.jsonl") for name in ("put-batch", "get", "put-single", "rss"))
    print(f"\n{target}: medians of {len(batch)} run(s)")
    print(f"  PutRecords 500x1KiB c=8: {med([r['records_per_s'] for r in batch]):.0f} records/s, "
          f"{med([r['payload_mib_per_s'] for r in batch]):.1f} MiB/s, p50 {med([r['latency']['p50_ms'] for r in batch]):.1f} ms, "
          f"p99 {med([r['latency']['p99_ms'] for r in batch]):.1f} ms, failed {med([r['failed_records'] for r in batch]):.0f}")
    print(f"  GetRecords read-back:    {med([r['records_per_s'] for r in get]):.0f} records/s, "
          f"{med([r['payload_mib_per_s'] for r in get]):.1f} MiB/s")
    print(f"  peak RSS:                ingest {med([r['ingest_peak_rss_mib'] for r in rss]):.0f} MiB, "
          f"read {med([r['read_peak_rss_mib'] for r in rss]):.0f} MiB")
    print(f"  PutRecord 1x1KiB c=1:    {med([r['records_per_s'] for r in single]):.0f} records/s, "
          f"p50 {med([r['latency']['p50_ms'] for r in single]):.3f} ms, p99 {med([r['latency']['p99_ms'] for r in single]):.3f} ms")
print(f"\nfsync 4 KiB append: p50 {med([r['latency']['p50_ms'] for r in fsync]):.3f} ms, "
      f"p99 {med([r['latency']['p99_ms'] for r in fsync]):.3f} ms")
restart = rows("sluice-restart.jsonl")
if restart:
    size = json.load(open(os.path.join(out, "sluice-restart-size.json")))
    print(f"sluice restart after SIGKILL with {size['log_gib']:.1f} GiB of log: "
          f"median {med([r['restart_ms'] for r in restart]):.0f} ms (runs: {[r['restart_ms'] for r in restart]})")
PY
