#!/usr/bin/env bash
# Serves the release build for Playwright on port $1, with a fresh data directory and demo data.
# The directory is /tmp/tremplin-e2e-$1, where the specs read the mail outbox.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}/release/tremplin"
DATA="/tmp/tremplin-e2e-$1"
rm -rf "$DATA" && mkdir -p "$DATA"
# The test clock lets a spec end a 72-hour review window at once.
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$1" TREMPLIN_SITE_ROOT=target/site
export TREMPLIN_TEST_CLOCK=1
# Video on loopback, from one address that opens every browser's sessions.
export TREMPLIN_MEDIA_UDP=127.0.0.1:0 TREMPLIN_MEDIA_SESSIONS_PER_MINUTE=1000
# Every journey signs its people up from this one address.
export TREMPLIN_SIGNUPS_PER_HOUR=100000
"$BIN" demo-data >/dev/null
exec "$BIN" serve
