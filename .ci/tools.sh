#!/usr/bin/env bash
# Installs the Rust-side tools the build needs, only where missing: the wasm target, the
# pinned cargo-leptos, the wasm-bindgen CLI matching Cargo.lock, and (through npm) wasm-opt
# and Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  echo "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# cargo-leptos calls the wasm-bindgen CLI, which must match the crate version in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION"; then
  echo "Installing wasm-bindgen-cli $WB_VERSION"
  # Without --locked: its own lock file names a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# wasm-opt (npm package binaryen) and Playwright, pinned by end2end/package-lock.json.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  (cd end2end && npm ci --no-audit --no-fund)
fi

# moto, an S3 implementation, for the test that stores uploads in a bucket.
VENV="$HOME/.cache/tremplin-venv"
if [ ! -x "$VENV/bin/moto_server" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.2.5"
fi
