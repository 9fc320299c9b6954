#!/usr/bin/env bash
# Ledger throughput on SQLite and on a throwaway PostgreSQL cluster (durable settings: fsync on),
# each as a ratio against plain single-row inserts into the same database, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
source .ci/pg.sh
start_pg
TREMPLIN_BENCH_POSTGRES="$PG_URL" cargo bench -p server --bench ledger
