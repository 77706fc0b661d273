#!/usr/bin/env bash
# Soak: `netlings verify --solutions` again and again, with --jobs 1, the
# core count and 4x the core count, while a CPU hog keeps every core busy.
# Every solution must pass every time (a verdict that differs between runs is
# a flaky grader), and nothing may be left behind: no process carrying the
# run's NETLINGS_OWNER, no port it listened on, no broker object of its run.
#
#   bench/soak.sh          20 runs per --jobs setting (the goal: 0 flaky, 0 leftovers)
#   bench/soak.sh 3        a quick look
#
# The result goes to bench/soak.md and into BENCHMARKS.md's "Soak" section.
# Exit status: 0 when every run passed and left nothing, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-20}
CORES=$(nproc)
WORK=$(mktemp -d)
HOGS=()
cleanup() {
  for h in "${HOGS[@]}"; do kill "$h" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

say "building netlings and every solution"
(cd "$ROOT" && cargo build -q)
NETLINGS="$ROOT/target/debug/netlings"
(cd "$ROOT" && "$NETLINGS" verify --solutions --format json >/dev/null 2>&1) || true

# Processes whose environment carries NETLINGS_OWNER=<pid>.
owned_by() {
  local owner=$1 found=()
  for env in /proc/[0-9]*/environ; do
    if tr '\0' '\n' 2>/dev/null < "$env" | grep -qx "NETLINGS_OWNER=$owner"; then
      local pid=${env#/proc/}
      pid=${pid%/environ}
      found+=("$pid:$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-80)")
    fi
  done
  printf '%s\n' "${found[@]}"
}

# Broker objects whose name says netlings made them (empty without rabbitmqctl).
broker_objects() {
  command -v rabbitmqctl >/dev/null 2>&1 || return 0
  { timeout 30 rabbitmqctl -q list_queues name 2>/dev/null || true
    timeout 30 rabbitmqctl -q list_exchanges name 2>/dev/null || true
  } | grep -i 'netlings' | sort || true
}

say "CPU hog on all $CORES cores"
for _ in $(seq 1 "$CORES"); do
  (while :; do :; done) &
  HOGS+=($!)
done

broker_before=$(broker_objects)
flaky=0
leftovers=0
runs_done=0
rows=()
details=()
for jobs in 1 "$CORES" $((4 * CORES)); do
  bad=0
  left=0
  started=$(date +%s)
  for i in $(seq 1 "$RUNS"); do
    out="$WORK/run-$jobs-$i.json"
    (cd "$ROOT" && exec "$NETLINGS" verify --solutions --format json --jobs "$jobs" > "$out" 2>"$WORK/err") &
    pid=$!
    wait "$pid" || true
    runs_done=$((runs_done + 1))
    failed=$(python3 - "$out" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"(no JSON report: {e})")
    sys.exit()
for ex in report["exercises"]:
    if ex["status"] != "pass":
        check = next((c for c in ex["checks"] if c["status"] != "pass"), None)
        what = f'{check["name"]}: {check["message"].splitlines()[0] if check["message"] else ""}' if check else ""
        print(f'{ex["name"]} {ex["status"]} (seed {report.get("seed", ex.get("seed", "?"))}) {what}'[:200])
PY
)
    if [ -n "$failed" ]; then
      bad=$((bad + 1))
      details+=("jobs $jobs, run $i: $failed")
      printf 'jobs %s run %s: FLAKY\n%s\n' "$jobs" "$i" "$failed" >&2
    fi
    owned=$(owned_by "$pid")
    if [ -n "$owned" ]; then
      left=$((left + 1))
      details+=("jobs $jobs, run $i: left running: $owned")
      printf 'jobs %s run %s: LEFT RUNNING\n%s\n' "$jobs" "$i" "$owned" >&2
      # Do not let one leak disturb the next runs.
      for p in $(printf '%s\n' "$owned" | cut -d: -f1); do kill -KILL "$p" 2>/dev/null || true; done
    fi
    printf '.' >&2
  done
  took=$(( $(date +%s) - started ))
  echo >&2
  say "--jobs $jobs: $bad of $RUNS runs with a failed verdict, $left with leftovers (${took} s)"
  rows+=("| $jobs | $RUNS | $bad | $left | $((took / RUNS)) s |")
  flaky=$((flaky + bad))
  leftovers=$((leftovers + left))
done

broker_after=$(broker_objects)
broker_left=$(comm -13 <(printf '%s\n' "$broker_before") <(printf '%s\n' "$broker_after") | grep -v '^$' || true)
if [ -n "$broker_left" ]; then
  leftovers=$((leftovers + 1))
  details+=("broker objects left: $(echo "$broker_left" | tr '\n' ' ')")
fi

{
  echo "## Soak"
  echo
  echo "Written by \`bench/soak.sh $RUNS\` on $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(cd "$ROOT" && git rev-parse --short HEAD),"
  echo "$CORES cores, each kept busy by a CPU hog: \`netlings verify --solutions\` $RUNS times per \`--jobs\` setting."
  echo "A run is flaky when any solution gets a verdict other than pass; a leftover is a process carrying the"
  echo "run's \`NETLINGS_OWNER\` after netlings exited, or a broker queue or exchange of netlings' left behind."
  echo
  echo "| --jobs | runs | runs with a failed verdict | runs with leftovers | time per run |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  if command -v rabbitmqctl >/dev/null 2>&1; then
    echo "Broker objects left after all runs: ${broker_left:-none}."
  else
    echo "Broker objects: not checked (no rabbitmqctl on this machine)."
  fi
  echo
  echo "**$flaky flaky verdicts and $leftovers leftovers in $runs_done runs** (goal: 0 and 0)."
  for d in "${details[@]}"; do echo "- $d"; done
} > "$ROOT/bench/soak.md"

# Splice the section into BENCHMARKS.md (bench/report.py includes bench/soak.md too).
python3 - "$ROOT/BENCHMARKS.md" "$ROOT/bench/soak.md" <<'PY'
import re, sys
path, soak = sys.argv[1], open(sys.argv[2]).read().rstrip() + "\n"
text = open(path).read()
if re.search(r"^## Soak$", text, re.M):
    text = re.sub(r"^## Soak\n.*?(?=^## |\Z)", soak + "\n", text, flags=re.M | re.S)
else:
    text = text.rstrip() + "\n\n" + soak
open(path, "w").write(text)
PY
cat "$ROOT/bench/soak.md"
[ "$flaky" -eq 0 ] && [ "$leftovers" -eq 0 ]
