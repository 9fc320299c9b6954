#!/usr/bin/env bash
# Every check and test, in the order that fails fastest: formatting, lints, Rust tests on
# SQLite, the same on a throwaway PostgreSQL cluster, then Playwright against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$HOME/.cache/tremplin-venv/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
# CI builds once per run: incremental caches would only fill the disk (they took ~17 GB here).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# Each build of the workspace leaves its own copies of our test binaries (a clone in another
# directory builds new ones): drop those older than a day so the shared target dir stays bounded.
find "$CARGO_TARGET_DIR"/debug/deps "$CARGO_TARGET_DIR"/release/deps -maxdepth 1 -mtime +1 \
  \( -name 'app-*' -o -name 'libapp-*' -o -name 'server-*' -o -name 'libserver-*' \
     -o -name 'tremplin-*' -o -name 'accounts-*' -o -name 'ledger-*' -o -name 'platform-*' \
     -o -name 'profiles-*' -o -name 'wallet-*' -o -name 'crash-*' -o -name 'earnings-*' \
     -o -name 'stripe-*' -o -name 'notifications-*' -o -name 'market-*' -o -name 'campaigns-*' \
     -o -name 'deals-*' -o -name 'search-*' \) -delete 2>/dev/null || true
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
source .ci/pg.sh
# fsync off: the suite checks behaviour, not durability, and runs much faster.
start_pg "-c fsync=off"
# The same packages as above, so the build is reused rather than made again.
TREMPLIN_TEST_POSTGRES="$PG_URL" cargo test -p app -p server --tests
stop_pg
trap - EXIT

step "release build"
cargo leptos build --release
WASM=target/site/pkg/tremplin.wasm
printf 'hydrate WASM: %s bytes raw, %s bytes gzip\n' "$(stat -c %s "$WASM")" "$(gzip -9 -c "$WASM" | wc -c)"

step "Playwright (headless Chromium)"
(cd end2end && npx playwright test)
step "all passed"
