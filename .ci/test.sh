#!/usr/bin/env bash
# Every check and test, in the order that fails fastest: formatting, lints, Rust tests on
# SQLite, the same on a throwaway PostgreSQL cluster, then Playwright against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$HOME/.cache/tremplin-venv/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
# CI builds once per run: incremental caches would only fill the disk (they took ~17 GB here).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# Our own crates are rebuilt by every fresh clone (their sources are new files), and each
# build links its own copies of the application into the test binaries, hundreds of MB apiece:
# CI drops all of them first, a developer's machine those older than a day, so the shared
# target directory stays bounded. The names before `api` are test binaries of earlier layouts.
ours=(app libapp server libserver frontend libfrontend tremplin api ledger search
      accounts authorization campaigns crash deals earnings market notifications platform
      profiles shop stripe wallet)
age=(-mtime +1); if [ -n "${CI:-}" ]; then age=(); fi
for name in "${ours[@]}"; do
  find "$CARGO_TARGET_DIR"/{debug,release,wasm32-unknown-unknown/wasm-release}/deps -maxdepth 1 \
    "${age[@]}" -name "$name-*" -delete 2>/dev/null || true
done
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
cargo leptos build --release --precompress
WASM=$(ls target/site/pkg/tremplin*.wasm)
printf 'hydrate WASM: %s bytes raw, %s bytes gzip, %s bytes brotli (as served)\n' \
  "$(stat -c %s "$WASM")" "$(gzip -9 -c "$WASM" | wc -c)" "$(stat -c %s "$WASM.br")"

step "Playwright (headless Chromium)"
(cd end2end && npx playwright test)
step "all passed"
