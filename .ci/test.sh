#!/usr/bin/env bash
# Every check and test, in the order that fails fastest: formatting, lints, Rust tests on
# SQLite, the same on a throwaway PostgreSQL cluster, then Playwright against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$HOME/.cache/tremplin-venv/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
# CI builds once per run: incremental caches would only fill the disk (they took ~17 GB here).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }

step "cargo fmt"
cargo fmt --all --check

step "clippy (server side)"
cargo clippy -p app -p server --all-targets -- -D warnings
step "clippy (browser side)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Rust tests on SQLite"
cargo test -p app -p server

step "Rust tests on PostgreSQL"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/tremplin-pg.XXXXXX)
PG_PORT=$(( 20000 + RANDOM % 20000 ))
chown postgres "$PG_DIR" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
as_pg "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
TREMPLIN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres" cargo test -p server --tests
stop_pg
trap - EXIT

step "release build"
cargo leptos build --release
WASM=target/site/pkg/tremplin.wasm
printf 'hydrate WASM: %s bytes raw, %s bytes gzip\n' "$(stat -c %s "$WASM")" "$(gzip -9 -c "$WASM" | wc -c)"

step "Playwright (headless Chromium)"
(cd end2end && npx playwright test)
step "all passed"
