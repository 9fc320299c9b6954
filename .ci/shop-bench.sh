#!/usr/bin/env bash
# Serves the release build on a fresh SQLite database, opens a creator's shop with 50 published
# products (each with an image), then measures with wrk, side by side in one run: the shop page
# as anonymous visitors get it (through the page micro-cache), the same page rendered for every
# request (a visitor with a session cookie), and a static file served by the same axum server.
# Needs `cargo leptos build --release` first.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}/release/tremplin"
PORT="${PORT:-3190}"
URL="http://127.0.0.1:$PORT"
DATA="$(mktemp -d)"
JAR="$DATA/cookies"
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT=target/site
export RUST_LOG=warn
"$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
until curl -sf "$URL/healthz" >/dev/null; do sleep 0.2; done

api() { curl -sf -b "$JAR" -c "$JAR" -H 'accept: application/json' "$URL/api/$1" "${@:2}"; }
api signup --data 'role=creator&email=bench%40example.test&display_name=Bench+Shop&handle=bench_shop&password=a+long+enough+passphrase' >/dev/null
for i in $(seq 1 50); do
  id=$(api save_product --data "title=Product+$i&description=A+product+for+the+benchmark&price=$((10 + i)).90&shipping=3.50&variant_names%5B%5D=S&variant_stocks%5B%5D=10&variant_names%5B%5D=M&variant_stocks%5B%5D=10")
  curl -sf -b "$JAR" -H 'content-type: image/png' --data-binary @server/demo/products/tee.png "$URL/api/products/$id/images" >/dev/null
  api shelf --data "product=$id&action=publish" >/dev/null
done
count=$(curl -sf "$URL/@bench_shop/shop" | grep -o 'class="product-card"' | wc -l)
[ "$count" = 50 ] || { echo "the shop shows $count products, not 50" >&2; exit 1; }

# measure LABEL PATH [wrk options...]
measure() {
  wrk -t2 -c16 -d"${DURATION:-15}s" --latency "${@:3}" "$URL$2" | awk -v label="$1" '
    /Requests\/sec/ { rps = $2 }
    / 99%/ { p99 = $2 }
    END { printf "%-28s %10.0f req/s   p99 %s\n", label, rps, p99 }'
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
measure "shop page (anonymous)" "/@bench_shop/shop" | tee "$DATA/shop"
measure "shop page (rendered each)" "/@bench_shop/shop" -H "Cookie: tremplin_session=none" | tee "$DATA/rendered"
measure "static file" "/pkg/tremplin.css" | tee "$DATA/static"
ratio() { awk 'NR==FNR { a = $(NF-3); next } { printf "%s / static file: %.2f\n", label, a / $(NF-3) }' label="$1" "$2" "$DATA/static"; }
ratio "shop page (anonymous)" "$DATA/shop"
ratio "shop page (rendered each)" "$DATA/rendered"
