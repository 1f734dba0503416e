#!/usr/bin/env bash
# Print a PostgreSQL URL for the test suite, starting a throw-away local server when none is reachable.
#   - PARKNET_TEST_POSTGRES_URL already set and reachable: print it.
#   - otherwise: initdb + pg_ctl start a cluster under ${PARKNET_PG_DIR:-/tmp/parknet-pgtest} on port
#     ${PARKNET_PG_PORT:-55432} (as the 'postgres' system user when run as root), create the database
#     parknet_test and print its URL. Re-running reuses the running server.
set -euo pipefail

port="${PARKNET_PG_PORT:-55432}"
dir="${PARKNET_PG_DIR:-/tmp/parknet-pgtest}"
db=parknet_test

reachable() { pg_isready -q -d "$1" >/dev/null 2>&1; }

if [ -n "${PARKNET_TEST_POSTGRES_URL:-}" ]; then
  plain="${PARKNET_TEST_POSTGRES_URL/+psycopg/}"
  if reachable "$plain"; then echo "$PARKNET_TEST_POSTGRES_URL"; exit 0; fi
  echo "pg-test-server: $PARKNET_TEST_POSTGRES_URL is not reachable; starting a local server" >&2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$bindir" ] || { echo "pg-test-server: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

url_user="$owner"
if ! reachable "postgresql://$url_user@127.0.0.1:$port/postgres"; then
  if [ ! -s "$dir/PG_VERSION" ]; then
    rm -rf "$dir"; mkdir -p "$dir"; chown "$owner" "$dir"; chmod 700 "$dir"
    as_owner "$bindir/initdb" -D "$dir" -A trust -U "$owner" -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
fi
if ! psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
  psql -h 127.0.0.1 -p "$port" -U "$url_user" -d postgres -qc "create database $db" >/dev/null
fi
echo "postgresql+psycopg://$url_user@127.0.0.1:$port/$db"
