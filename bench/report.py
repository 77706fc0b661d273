"""Turns bench/run.sh's raw results into BENCHMARKS.md (every figure against its goal)."""

import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

results, out_path, rustlings_version, cold, runs = sys.argv[1:6]
cold = cold == "1"
here = os.path.dirname(os.path.abspath(__file__))


def read(name, default=None):
    try:
        with open(os.path.join(results, name)) as f:
            return f.read().strip()
    except OSError:
        return default


def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.platform()


def verdict(ok):
    return "meets the goal" if ok else "**misses the goal**"


lines = []
w = lines.append
w("# Benchmarks")
w("")
w("Written by `bench/run.sh` (do not edit by hand: run it again). Whole-process")
w(f"timings, medians of {runs} runs after 2 warm-up runs unless a row says otherwise.")
w("")
w("## The machine")
w("")
mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
w(f"- {os.cpu_count()} cores ({cpu_model()}), {mem_gib:.0f} GiB, {os_name()}")
w(f"- {cmd('rustc', '-V')}; {cmd('cargo', '-V')}")
w(f"- netlings at commit {cmd('git', '-C', os.path.dirname(here), 'rev-parse', '--short', 'HEAD')}; {rustlings_version}")
w(f"- measured {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
w("")

w("## Save → verdict")
w("")
w("A real edit (a comment appended to the file), then the command a learner")
w("runs: build and full grade (netlings), or build, clippy and run (rustlings).")
w("")
w("| what | median | against rustlings | goal | |")
w("| --- | --- | --- | --- | --- |")
anchor = read("rustlings_intro2")
anchor_ms = int(anchor) if anchor and anchor.isdigit() else None
w(f"| `rustlings run intro2` (the anchor, std only) | {anchor_ms if anchor_ms is not None else 'not measured: ' + str(anchor)} ms | 1.00× | | |")
for name, goal in [("tcp_echo_server", 1.0), ("grpc_unary_server", 2.0)]:
    value = read(name)
    if value is None:
        w(f"| `netlings run {name}` | not measured: the exercise does not exist yet | | ≤ {goal:.1f}× | |")
        continue
    ms = int(value)
    ratio = ms / anchor_ms if anchor_ms else None
    ok = ratio is not None and ratio <= goal
    w(f"| `netlings run {name}` (full grade) | {ms} ms | {ratio:.2f}× | ≤ {goal:.1f}× | {verdict(ok)} |" if ratio else
      f"| `netlings run {name}` (full grade) | {ms} ms | (no anchor) | ≤ {goal:.1f}× | |")
w("")

w("## Grader overhead")
w("")
w("Per exercise (its solution, warm): `netlings verify --solutions --format json NAME`")
w("as a whole process, median of 3. *Build* is cargo's part (here a no-op check,")
w("the same ~0.2 s for every exercise); *checks* is the grade itself: the program's")
w("own work and the waits its scenario prescribes (a slow reader, an idle timeout,")
w("retry gaps). *Overhead* is the rest: netlings starting, reading the curriculum,")
w("spawning and reaping the program, rendering. Goal: ≤ 5 % of the verdict and")
w("≤ 100 ms, for every exercise.")
w("")
w("| exercise | verdict | build | checks | overhead | share | |")
w("| --- | --- | --- | --- | --- | --- | --- |")
names = sorted({os.path.basename(p)[4:].rsplit("-", 1)[0] for p in glob.glob(os.path.join(results, "one-*.json"))})
order = []
warmup = read("overhead-warmup.json")
if warmup:
    try:
        order = [e["name"] for e in json.loads(warmup)["exercises"]]
    except (ValueError, KeyError):
        order = []
names.sort(key=lambda n: order.index(n) if n in order else 999)
worst = 0.0
for name in names:
    walls, builds, checks = [], [], []
    for i in (1, 2, 3):
        doc = read(f"one-{name}-{i}.json")
        wall = read(f"wall-{name}-{i}")
        if not doc or not wall:
            continue
        try:
            e = json.loads(doc)["exercises"][0]
        except (ValueError, KeyError, IndexError):
            continue
        walls.append(int(wall))
        builds.append(e.get("build_ms", 0))
        checks.append(sum(c.get("duration_ms", 0) for c in e["checks"] if c["name"] != "compiles"))
    if not walls:
        continue
    wall, build, chk = statistics.median(walls), statistics.median(builds), statistics.median(checks)
    overhead = max(0, wall - build - chk)
    share = overhead / wall * 100 if wall else 0
    ok = share <= 5 and overhead <= 100
    worst = max(worst, overhead)
    w(f"| `{name}` | {wall:.0f} ms | {build:.0f} ms | {chk:.0f} ms | {overhead:.0f} ms | {share:.1f} % | {verdict(ok)} |")
w("")

w("## Everything, warm")
w("")
verify_ms = read("verify_all")
cpu = (read("verify_cpu") or "").split()
if verify_ms and verify_ms.isdigit():
    ok = int(verify_ms) <= 120_000
    w(f"`netlings verify --solutions` (every exercise and quiz): **{int(verify_ms) / 1000:.1f} s** (goal ≤ 120 s: {verdict(ok)}).")
if len(cpu) >= 3:
    try:
        wall, user, system = (float(x) for x in cpu[-3:])
        w(f"CPU time {user + system:.1f} s over {wall:.1f} s of wall time: {(user + system) / wall:.2f} cores busy on average "
          f"of {os.cpu_count()} ({os.cpu_count()} exercises graded at once, `--jobs` defaults to the number of cores). "
          "Much of a grade is waiting on purpose (slow readers, timeouts), so the cores are not the limit.")
    except ValueError:
        pass
w("")

w("## Cold first run")
w("")
if cold:
    cold_ms = read("cold_ms")
    dups = read("cold_duplicates", "")
    w(f"A fresh clone and an empty target dir, then `cargo run -q -- verify --solutions tcp_echo_server`:"
      f" **{int(cold_ms) / 1000:.0f} s** to the verdict, {read('cold_rlibs')} rlibs, target/ {read('cold_size')}.")
    if dups:
        w(f"**Compiled twice** (feature sets differ): {', '.join(dups.split())}.")
    else:
        w("Every dependency was compiled once: the runner and the exercises share one build"
          " (feature-unifier dependencies in `[workspace.dependencies]`, one dev profile).")
    w("cargo shows its progress while it builds (its own progress bar on a terminal;"
      " `Compiling …` lines in watch mode's status line).")
else:
    w("Not measured in this run (`bench/run.sh --cold` measures it).")
w("")

soak = os.path.join(here, "soak.md")
if os.path.exists(soak):
    with open(soak) as f:
        lines.append(f.read().rstrip())
    w("")

history = os.path.join(here, "history.md")
if os.path.exists(history):
    with open(history) as f:
        lines.append(f.read().rstrip())
    w("")

with open(out_path, "w") as f:
    f.write("\n".join(lines) + "\n")
