#!/usr/bin/env bash
# `make run`: the mission topologies on the embedded default. Each topology runs in its own
# `sluice run` process with an in-process mock broker (bootstrap.servers: embedded), fed by the
# built-in data generator at a steady rate; every process prints its status line to stderr.
# Stop with Ctrl-C (the script then sends SIGTERM to every process: each `sluice run` commits,
# leaves its group and exits 0), or
# set DURATION=SECONDS to stop by itself. RATE sets events per second per generator. Each
# process serves Prometheus metrics on a free loopback port and prints where
# ("sluice run: metrics at http://..."); METRICS_HOST=0.0.0.0 serves them to other hosts.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin/sluice}
RATE=${RATE:-2000}
DURATION=${DURATION:-0}
STATE_DIR=${STATE_DIR:-$(mktemp -d -t sluice-run.XXXXXX)}
export STATE_DIR
pids=()
cleanup() {
  # SIGTERM, not SIGINT: background jobs of a script ignore SIGINT. `sluice run` treats both as
  # "commit, leave the group, exit 0".
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait || true
}
trap cleanup EXIT INT TERM

# start TOPOLOGY DATASET:TOPIC...: one application, its broker, one generator per pair.
start() {
  local topology=$1
  shift
  local out
  out=$(mktemp)
  "$BIN" run --config "configs/$topology.yaml" --metrics-listen "${METRICS_HOST:-127.0.0.1}:0" \
    "topologies/$topology.yaml" >"$out" \
    2> >(sed -u "s/^/[$topology] /" >&2) &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $out ]] && break; sleep 0.1; done
  local bootstrap
  bootstrap=$(sed -n 's/^bootstrap: //p' "$out" | head -1)
  [[ -n $bootstrap ]] || { echo "run-embedded: $topology did not start" >&2; exit 1; }
  echo "[$topology] bootstrap: $bootstrap" >&2
  for pair in "$@"; do
    "$BIN" datagen "${pair%%:*}" --count "${COUNT:-100000000}" --rate "$RATE" \
      --bootstrap "$bootstrap" --topic "${pair#*:}" &
    pids+=($!)
  done
}

echo "state.dir: $STATE_DIR" >&2
start minute_aggregation allezon:user_tags
start profile_capping allezon:user_tags
start product_enrichment products:mysql.pizzashop.products orders:orders
start kpi_changes ads:ad_events
if [[ $DURATION -gt 0 ]]; then sleep "$DURATION"; else wait; fi
