#!/usr/bin/env bash
# First load on a phone (issue 22): starts one release server per build, each on its own port
# with a fresh SQLite data directory and the demo data, then measures them side by side in one
# run with .ci/first-load.mjs (slow 4G, CPU 4x slower, cold and warm visits) and stops them.
# A benchmark run by hand, not part of the test suite.
#   bash .ci/first-load.sh                                  # the current release build
#   bash .ci/first-load.sh before=/tmp/before/tremplin:/tmp/before/site after=BIN:SITE_ROOT
#   PHOTO=big.jpg bash .ci/first-load.sh ...   # every demo product's picture is that photo
# Each argument is NAME=BIN:SITE_ROOT; the default is
# current=$CARGO_TARGET_DIR/release/tremplin:target/site (after `cargo leptos build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- "current=${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}/release/tremplin:target/site"
PORT="${PORT:-3301}"
PIDS=() DIRS=() URLS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "${DIRS[@]}"' EXIT

for arg in "$@"; do
  name="${arg%%=*}" spec="${arg#*=}"
  bin="${spec%%:*}" site="$(realpath "${spec#*:}")"
  [ -x "$bin" ] || { echo "$name: no binary at $bin" >&2; exit 1; }
  data="$(mktemp -d)"
  DIRS+=("$data")
  (
    export TREMPLIN_DATA_DIR="$data" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT="$site" RUST_LOG=warn,server::workers=info
    # A media port of its own for each server, so two builds run side by side.
    export TREMPLIN_MEDIA_UDP=127.0.0.1:0
    "$bin" migrate >"$data/setup.log" 2>&1
    "$bin" demo-data >>"$data/setup.log" 2>&1
    # As if each product had been uploaded as PHOTO: the server makes its copies again from
    # it as it starts (a build without copies serves the photo itself).
    if [ -n "${PHOTO:-}" ]; then
      for f in "$data"/media/products/demo-*.png; do cp "$PHOTO" "$f"; rm -f "$f".w*.webp; done
    fi
    exec "$bin" serve >"$data/server.log" 2>&1
  ) &
  PIDS+=($!)
  URLS+=("$name=http://127.0.0.1:$PORT")
  PORT=$((PORT + 1))
done

for i in "${!URLS[@]}"; do
  url="${URLS[$i]#*=}"
  for _ in $(seq 600); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "$url/healthz" >/dev/null || { echo "${URLS[$i]} did not start:" >&2; cat "${DIRS[$i]}"/*.log >&2; exit 1; }
  # A build with copies makes them in the background as it starts (and says so in its log):
  # measure once they exist. A build without copies never says it.
  if [ -n "${PHOTO:-}" ]; then
    for _ in $(seq 120); do grep -q "copies made" "${DIRS[$i]}/server.log" && break; sleep 0.5; done
  fi
done

node .ci/first-load.mjs "${URLS[@]}"
