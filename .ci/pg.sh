# Sourced by test.sh and bench.sh: `start_pg` starts a throwaway PostgreSQL cluster on a random
# port and sets PG_URL (an admin URL); it stops and is deleted when the calling script exits.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
# $1: extra server settings, such as "-c fsync=off" for tests.
start_pg() {
  PG_DIR=$(mktemp -d /tmp/tremplin-pg.XXXXXX)
  PG_PORT=$(( 20000 + RANDOM % 20000 ))
  chown postgres "$PG_DIR" 2>/dev/null || true
  trap stop_pg EXIT
  as_pg "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 ${1:-}" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}
