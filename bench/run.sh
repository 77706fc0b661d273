#!/usr/bin/env bash
# The numbers a learner feels, measured side by side, written to BENCHMARKS.md.
#
#   bench/run.sh            warm figures (a few minutes)
#   bench/run.sh --cold     also the cold first run from a fresh clone (adds a
#                           full dependency build: several minutes on 2 cores)
#
# Needs: cargo, python3, git; hyperfine (Debian package `hyperfine`) for the
# timings - without it a plain loop takes medians itself. rustlings is built
# from crates.io (cargo install rustlings) into a cache folder to measure the
# anchor; if that is not reachable, the anchor row says so.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COLD=0
[ "${1:-}" = "--cold" ] && COLD=1
RUNS=${BENCH_RUNS:-10}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/netlings-bench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE"
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# median_ms NAME PREPARE COMMAND: runs COMMAND $RUNS times after PREPARE,
# writes the median (ms) to $RESULTS/NAME.
median_ms() {
  local name=$1 prepare=$2 command=$3
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --style none --warmup 2 --runs "$RUNS" --prepare "$prepare" \
      --export-json "$RESULTS/$name.json" "$command" >/dev/null
    python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0]['median']*1000))" \
      "$RESULTS/$name.json" > "$RESULTS/$name"
  else
    local times=()
    for i in $(seq 1 $((RUNS + 2))); do
      bash -c "$prepare" >/dev/null 2>&1
      local t0 t1
      t0=$(date +%s%N)
      bash -c "$command" >/dev/null 2>&1 || true
      t1=$(date +%s%N)
      [ "$i" -gt 2 ] && times+=($(( (t1 - t0) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' > "$RESULTS/$name"
  fi
}

say "building netlings (dev profile, as learners run it)"
(cd "$ROOT" && cargo build -q)
NETLINGS="$ROOT/target/debug/netlings"

# A scratch checkout: the committed tree, solutions copied over the stubs
# measured, its own target dir for final binaries and the shared one for
# compiled dependencies (so this measures warm rebuilds, not a cold build).
say "scratch checkout"
CO="$WORK/checkout"
mkdir -p "$CO"
(cd "$ROOT" && git archive HEAD) | tar -x -C "$CO"
sed -i "0,/^version = \"0.1.0\"$/s//version = \"0.1.0-bench$$\"/" "$CO/exercises/Cargo.toml"
export CARGO_TARGET_DIR="$CO/target" CARGO_BUILD_BUILD_DIR="$ROOT/target" NETLINGS_STATE="$WORK/state.toml"
cd "$CO"
for name in $(grep -E '^name = ' exercises.toml | sed -E 's/name = "([^"]+)"/\1/'); do
  for f in exercises/*/"$name".rs; do
    [ -f "$f" ] && cp "solutions/${f#exercises/}" "$f"
  done
done

say "save → verdict: tcp_echo_server (edit, build, full grade)"
"$NETLINGS" run tcp_echo_server >/dev/null 2>&1 || true
median_ms tcp_echo_server \
  'echo "// $(date +%s%N)" >> exercises/01_sockets/tcp_echo_server.rs' \
  "$NETLINGS run tcp_echo_server"

if grep -q '^name = "grpc_unary_server"' exercises.toml; then
  say "save → verdict: grpc_unary_server"
  "$NETLINGS" run grpc_unary_server >/dev/null 2>&1 || true
  median_ms grpc_unary_server \
    'echo "// $(date +%s%N)" >> exercises/04_grpc/grpc_unary_server.rs' \
    "$NETLINGS run grpc_unary_server"
fi

say "the anchor: rustlings run intro2 after a real edit"
RUSTLINGS="$CACHE/rustlings/bin/rustlings"
if [ ! -x "$RUSTLINGS" ]; then
  (unset CARGO_TARGET_DIR CARGO_BUILD_BUILD_DIR; cargo install -q rustlings --version 6.5.0 --root "$CACHE/rustlings") \
    >"$WORK/rustlings-install.log" 2>&1 || true
fi
if [ -x "$RUSTLINGS" ]; then
  (cd "$WORK" && unset CARGO_TARGET_DIR CARGO_BUILD_BUILD_DIR && "$RUSTLINGS" init >/dev/null 2>&1)
  sed -i 's/printline!/println!/' "$WORK/rustlings/exercises/00_intro/intro2.rs"
  (cd "$WORK/rustlings" && unset CARGO_TARGET_DIR CARGO_BUILD_BUILD_DIR && "$RUSTLINGS" run intro2 >/dev/null 2>&1 || true)
  (cd "$WORK/rustlings" && unset CARGO_TARGET_DIR CARGO_BUILD_BUILD_DIR &&
    median_ms rustlings_intro2 \
      'echo "// $(date +%s%N)" >> exercises/00_intro/intro2.rs' \
      "$RUSTLINGS run intro2")
  RUSTLINGS_VERSION=$("$RUSTLINGS" --version 2>/dev/null || echo "rustlings 6.5.0")
else
  echo "unreachable" > "$RESULTS/rustlings_intro2"
  RUSTLINGS_VERSION="not installed (crates.io unreachable?)"
fi

say "grader overhead, per exercise (verdict - build - checks)"
"$NETLINGS" verify --solutions --format json > "$RESULTS/overhead-warmup.json" 2>/dev/null || true
for i in 1 2 3; do
  for name in $(python3 -c "import json; [print(e['name']) for e in json.load(open('$RESULTS/overhead-warmup.json'))['exercises'] if not e['name'].startswith('quiz_')]"); do
    t0=$(date +%s%N)
    "$NETLINGS" verify --solutions --format json "$name" > "$RESULTS/one-$name-$i.json" 2>/dev/null || true
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 )) > "$RESULTS/wall-$name-$i"
  done
done

say "netlings verify --solutions, everything, warm"
median_ms verify_all 'true' "$NETLINGS verify --solutions"
/usr/bin/time -f "%e %U %S" "$NETLINGS" verify --solutions >/dev/null 2>"$RESULTS/verify_cpu" || true

if [ "$COLD" = 1 ]; then
  say "cold first run from a fresh clone (one dependency build?)"
  CLONE="$WORK/clone"
  git clone -q "$ROOT" "$CLONE"
  (
    cd "$CLONE"
    unset CARGO_BUILD_BUILD_DIR
    export CARGO_TARGET_DIR="$CLONE/target"
    t0=$(date +%s%N)
    cargo run -q -- verify --solutions tcp_echo_server >/dev/null 2>"$RESULTS/cold.log" || true
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 / 1000 )) > "$RESULTS/cold_ms"
    # Each dependency compiled once: no more rlibs of a crate than it has
    # versions in the dependency graph.
    ls target/debug/deps/*.rlib | sed -E 's#.*/lib(.*)-[0-9a-f]+\.rlib#\1#' | sort | uniq -c > "$RESULTS/cold_rlib_counts"
    cargo tree --workspace -e normal,build --prefix none --format '{p}' 2>/dev/null \
      | awk '{print $1, $2}' | sort -u | awk '{gsub("-", "_", $1); print $1}' | sort | uniq -c > "$RESULTS/cold_versions"
    python3 - "$RESULTS" <<'PY' > "$RESULTS/cold_duplicates"
import sys
res = sys.argv[1]
def counts(name):
    out = {}
    for line in open(f"{res}/{name}"):
        fields = line.split()
        if len(fields) == 2:
            out[fields[1]] = int(fields[0])
    return out
rlibs, versions = counts("cold_rlib_counts"), counts("cold_versions")
for crate, n in sorted(rlibs.items()):
    if n > versions.get(crate, 1):
        print(f"{crate}({n} builds, {versions.get(crate, 1)} versions)")
PY
    ls target/debug/deps/*.rlib | wc -l > "$RESULTS/cold_rlibs"
    du -sh target | cut -f1 > "$RESULTS/cold_size"
  )
fi

say "writing BENCHMARKS.md"
python3 "$ROOT/bench/report.py" "$RESULTS" "$ROOT/BENCHMARKS.md" "$RUSTLINGS_VERSION" "$COLD" "$RUNS"
echo "wrote $ROOT/BENCHMARKS.md" >&2
