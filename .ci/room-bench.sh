#!/usr/bin/env bash
# The live room under load: serves the release build on a fresh SQLite database, then runs the
# load client (server/src/bin/room-load.rs), which opens 1,000, 5,000 and 10,000 WebSocket viewers
# of one event, has fans chat at a fixed rate, and reports broadcast latency and the server's CPU.
# Needs `cargo leptos build --release` first. VIEWERS, RATE and SECS override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
BIN="$CARGO_TARGET_DIR/release/tremplin"
PORT="${PORT:-3191}"
URL="http://127.0.0.1:$PORT"
DATA="$(mktemp -d)"
# Each viewer is a socket on both sides.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -p server --bin room-load
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT=target/site
export RUST_LOG=warn
"$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$URL/healthz" >/dev/null; do sleep 0.2; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$CARGO_TARGET_DIR/release/room-load" --url "$URL" --pid "$SERVER" \
  --viewers "${VIEWERS:-1000,5000,10000}" --rate "${RATE:-5}" --secs "${SECS:-20}"
