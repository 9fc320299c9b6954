#!/usr/bin/env bash
# The built-in media server under load: serves the release build on a fresh SQLite database,
# then runs the load client (server/src/bin/media-load.rs), which publishes one synthetic stream
# over WHIP and opens 50, 100, 200 and 400 WHEP viewers on loopback, reporting loss, forwarded
# bitrate, transit through the server and the server's CPU. Needs `cargo leptos build --release`
# first. VIEWERS and SECS override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
BIN="$CARGO_TARGET_DIR/release/tremplin"
PORT="${PORT:-3192}"
URL="http://127.0.0.1:$PORT"
DATA="$(mktemp -d)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -p server --bin media-load
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT=target/site
# Every viewer comes from this one address.
export TREMPLIN_MEDIA_UDP=127.0.0.1:0 TREMPLIN_MEDIA_SESSIONS_PER_MINUTE=100000 RUST_LOG=warn
"$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$URL/healthz" >/dev/null; do sleep 0.2; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$CARGO_TARGET_DIR/release/media-load" --url "$URL" --pid "$SERVER" \
  --viewers "${VIEWERS:-50,100,200,400}" --secs "${SECS:-20}"
