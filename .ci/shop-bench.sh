#!/usr/bin/env bash
# Serves the release build on a fresh SQLite database, opens a creator's shop with 50 published
# products (each with an image) and a live event, signs a fan in, then measures with wrk, side by
# side in one run: the shop page as anonymous visitors get it (through the page micro-cache), the
# shop, home and event pages for the signed-in fan (rendered for every request: no cache in their
# path), and a static file served by the same axum server. Needs
# `cargo leptos build --release --precompress` first.
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN and SITE name another build (its binary and site root) to measure it the same way.
BIN="${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/tremplin-target}/release/tremplin}"
SITE="${SITE:-target/site}"
PORT="${PORT:-3190}"
URL="http://127.0.0.1:$PORT"
DATA="$(mktemp -d)"
JAR="$DATA/cookies"
export TREMPLIN_DATA_DIR="$DATA" TREMPLIN_LISTEN="127.0.0.1:$PORT" TREMPLIN_SITE_ROOT="$SITE"
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
event=$(api schedule_event --data 'title=Bench+live&description=Questions&starts_at=2099-01-01T18%3A00&planned_minutes=60&donation_min=2&donation_message_max=200&slot_count=5&slot_secs=120&slot_price=15&slot_purpose=questions&slots_per_fan=1&cancel_cutoff_hours=1&no_show_secs=90')

# A fan with a session of their own: every page below is rendered for them.
JAR="$DATA/fan"
api signup --data 'role=fan&email=fan%40example.test&display_name=Bench+Fan&handle=bench_fan&password=a+long+enough+passphrase' >/dev/null
SESSION=$(awk '$6 == "tremplin_session" { print $7 }' "$JAR")
[ -n "$SESSION" ] || { echo "the fan has no session cookie" >&2; exit 1; }
curl -sf -H "Cookie: tremplin_session=$SESSION" "$URL/" | grep -q 'bench_fan' \
  || { echo "the session cookie does not sign the fan in" >&2; exit 1; }
FAN=(-H "Cookie: tremplin_session=$SESSION")
CSS="/pkg/$(basename "$(ls "$SITE"/pkg/tremplin*.css | head -1)")"

# measure LABEL PATH [wrk options...]
measure() {
  wrk -t2 -c16 -d"${DURATION:-15}s" --latency "${@:3}" "$URL$2" | awk -v label="$1" '
    /Requests\/sec/ { rps = $2 }
    / 99%/ { p99 = $2 }
    END { printf "%-28s %10.0f req/s   p99 %s\n", label, rps, p99 }'
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
measure "shop page (anonymous)" "/@bench_shop/shop" | tee "$DATA/shop"
measure "shop page (signed in)" "/@bench_shop/shop" "${FAN[@]}" | tee "$DATA/fan-shop"
measure "home page (signed in)" "/" "${FAN[@]}" | tee "$DATA/fan-home"
measure "event page (signed in)" "/live/$event" "${FAN[@]}" | tee "$DATA/fan-event"
measure "static file" "$CSS" | tee "$DATA/static"
ratio() { awk 'NR==FNR { a = $(NF-3); next } { printf "%-28s %.2fx the static file\n", label, a / $(NF-3) }' label="$1" "$2" "$DATA/static"; }
ratio "shop page (anonymous)" "$DATA/shop"
ratio "shop page (signed in)" "$DATA/fan-shop"
ratio "home page (signed in)" "$DATA/fan-home"
ratio "event page (signed in)" "$DATA/fan-event"
