#!/usr/bin/env bash
# Soak a devnet node the way an operator runs it: default settings, its own miner, one external
# Stratum miner and one WebSocket miner, for SECONDS; every 10 s the node's RSS (KiB), open file
# descriptors, threads and chain height go into OUT (CSV). Stops everything it started on exit.
#
#   scripts/soak.sh 3600 soak.csv            # the 1-hour figure in the README
#   SIMCTL=.build/release/simctl scripts/soak.sh 600 /tmp/soak.csv
set -euo pipefail
seconds=${1:?usage: scripts/soak.sh SECONDS OUT.csv}
out=${2:?usage: scripts/soak.sh SECONDS OUT.csv}
simctl=${SIMCTL:-.build/release/simctl}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$simctl" mine --threads 1 --data-dir "$work/data" --rpc 127.0.0.1:0 --stratum 127.0.0.1:0 \
  > "$work/node.jsonl" 2> "$work/node.log" &
node=$!
pids+=("$node")
for _ in $(seq 1 600); do
  grep -q '"stratum"' "$work/node.jsonl" 2>/dev/null && grep -q '"ws"' "$work/node.jsonl" 2>/dev/null && break
  sleep 0.1
done
stratum=$(grep -o '"stratum":"[^"]*"' "$work/node.jsonl" | head -1 | cut -d'"' -f4)
ws=$(grep -o '"ws":"[^"]*"' "$work/node.jsonl" | head -1 | cut -d'"' -f4)
[ -n "$stratum" ] && [ -n "$ws" ] || { echo "soak: the node did not start listening; see $work/node.log" >&2; exit 1; }
"$simctl" mine --connect "$stratum" --threads 1 > "$work/stratum.jsonl" 2> "$work/stratum.log" & pids+=("$!")
"$simctl" mine --connect "$ws" --threads 1 > "$work/ws.jsonl" 2> "$work/ws.log" & pids+=("$!")

echo "elapsedS,rssKiB,fds,threads,height" > "$out"
start=$(date +%s)
while :; do
  sleep 10
  now=$(( $(date +%s) - start ))
  kill -0 "$node" 2>/dev/null || { echo "soak: the node died at ${now} s; see $work/node.log" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$node/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$node/status")
  fds=$(ls "/proc/$node/fd" | wc -l)
  height=$(tail -c 4000 "$work/node.jsonl" | grep -o '"height":[0-9]*' | tail -1 | cut -d: -f2)
  echo "$now,$rss,$fds,$threads,${height:-0}" >> "$out"
  echo "soak: ${now}/${seconds} s  rss ${rss} KiB  fds ${fds}  threads ${threads}  height ${height:-0}" >&2
  [ "$now" -ge "$seconds" ] && break
done
# What the node counted (shares by transport and reason, blocks by source, refusals) goes beside
# the CSV, so a soak also shows whether the external miners' work was accepted.
metrics=${ws/ws:\/\//http:\/\/}
metrics=${metrics%/ws}/metrics
curl -s "$metrics" | grep -E '^animica_(miner_shares|chain_blocks|chain_height|node_storage|stratum_connections|getwork_connections|http_requests)' \
  > "$out.metrics" || true
echo "soak: node metrics in $out.metrics" >&2
