#!/usr/bin/env bash
# A live load test against the release server on a fresh SQLite database. Needs
# `cargo leptos build --release` first.
#   room:  server/src/bin/room-load.rs opens 1,000, 5,000 and 10,000 WebSocket viewers of one
#          event, has fans chat at a fixed rate, and reports broadcast latency and server CPU.
#   media: server/src/bin/media-load.rs publishes one synthetic stream over WHIP and opens 50,
#          100, 200 and 400 WHEP viewers on loopback, reporting loss, forwarded bitrate, transit
#          through the server and the server's CPU.
# VIEWERS and SECS (and RATE for room) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
KIND="${1:-}"
case "$KIND" in
  room) PORT="${PORT:-3191}"; ARGS=(--viewers "${VIEWERS:-1000,5000,10000}" --rate "${RATE:-5}") ;;
  media) PORT="${PORT:-3192}"; ARGS=(--viewers "${VIEWERS:-50,100,200,400}") ;;
  *) echo "usage: $0 room|media" >&2; exit 2 ;;
esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
BIN="$CARGO_TARGET_DIR/release/tremplin"
URL="http://127.0.0.1:$PORT"
DATA="$(mktemp -d)"
# Each viewer is a socket on both sides.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -p server --bin "$KIND-load"
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT=target/site
# Every viewer and fan comes from this one address.
export TREMPLIN_MEDIA_UDP=127.0.0.1:0 TREMPLIN_MEDIA_SESSIONS_PER_MINUTE=100000 RUST_LOG=warn
export TREMPLIN_SIGNUPS_PER_HOUR=100000 TREMPLIN_ROOM_SOCKETS_PER_ADDRESS=1000000
"$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$URL/healthz" >/dev/null; do sleep 0.2; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$CARGO_TARGET_DIR/release/$KIND-load" --url "$URL" --pid "$SERVER" "${ARGS[@]}" --secs "${SECS:-20}"
