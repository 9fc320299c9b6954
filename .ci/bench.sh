#!/usr/bin/env bash
# The benchmarks, on SQLite and on a throwaway PostgreSQL cluster (durable settings: fsync on):
# ledger throughput, each as a ratio against plain single-row inserts into the same database in
# one run, and creator search over 100,000 creators (p50, p95).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}"
source .ci/pg.sh
start_pg
TREMPLIN_BENCH_POSTGRES="$PG_URL" cargo bench -p server --bench ledger --bench search
