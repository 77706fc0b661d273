#!/usr/bin/env bash
# Makes the README's two screenshots: docs/terminal-diagram.png (the
# terminal's sequence diagram of a failed check, as `netlings verify`
# prints it at 80 columns, set in a monospace page) and docs/report.png
# (the HTML report of `--report`). Both grade a scratch checkout with
# `http_async_concurrent` solved and `tcp_client` replaced by the mutant
# that takes one read() for the whole reply; headless Chromium takes the
# pictures. Run from the repository's root: bash docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp exercises.toml "$work/" && cp -r exercises solutions "$work/"
cp solutions/03_http/http_async_concurrent.rs "$work/exercises/03_http/"
cp tests/mutants/01_sockets/tcp_client__one_read.rs "$work/exercises/01_sockets/tcp_client.rs"
export NETLINGS_STATE="$work/state.toml" LANG=C.UTF-8 COLUMNS=80
unset NO_COLOR
./target/debug/netlings verify --learner "$work" http_async_concurrent tcp_client \
  --report "$work/report.html" > "$work/terminal.txt" 2>/dev/null || true
# The failed exercise's verdict, as the terminal shows it.
{
  printf '<!DOCTYPE html><meta charset="utf-8"><style>body{margin:0;background:#1d2125;color:#e6edf3}'
  printf 'pre{font:14px/1.3 "DejaVu Sans Mono",monospace;padding:12px 16px;margin:0}</style><pre>'
  sed -n '/^── tcp_client ──/,/^FAIL tcp_client/p' "$work/terminal.txt" \
    | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
  printf '</pre>'
} > "$work/terminal.html"
shot() { # page, png, width, height
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --hide-scrollbars --user-data-dir="$work/profile" --window-size="$3,$4" \
    --screenshot="$2" "file://$1" 2>/dev/null
}
shot "$work/terminal.html" docs/terminal-diagram.png 1020 430
shot "$work/report.html" docs/report.png 1100 1420
ls -l docs/*.png
