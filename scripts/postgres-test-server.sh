#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and CI: its own cluster in a fresh temporary directory, on a
# free loopback port, durability off (fsync, full_page_writes, synchronous_commit: a crash may lose it,
# which is fine for a test server). It never uses or changes a cluster it did not make (Debian's
# 15/main stays as it is).
#
#   eval "$(scripts/postgres-test-server.sh start)"   # sets ALSX_TEST_PG_URL and ALSX_TEST_PG_DIR
#   scripts/postgres-test-server.sh stop "$ALSX_TEST_PG_DIR"
#
# start: uses the newest /usr/lib/postgresql/*/bin (Debian), else the initdb on PATH; when neither is
#   there and we are root on Debian, installs the `postgresql` package first (one apt-get update).
#   As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
#   Prints two NAME=value lines on stdout (timings go to stderr):
#     ALSX_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres
#     ALSX_TEST_PG_DIR=/tmp/alsx-pg-XXXXXX
#   ALSX_PG_PORTS=FIRST-LAST picks the port range (default 56000-56999).
# stop DIR: stops that server and removes DIR (only a directory this script made).
set -euo pipefail

MARKER=.alsx-postgres-test-server
now_ms() { echo $(($(date +%s%N) / 1000000)); }
say() { printf 'postgres-test-server: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# the directory holding initdb/pg_ctl/postgres, installing PostgreSQL when there is none
find_bin() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$initdb" ]; then
    dirname "$initdb"
    return
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL is not installed: installing Debian's postgresql package (apt-get)"
    local t0
    t0=$(now_ms)
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    say "installed in $(($(now_ms) - t0)) ms"
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$initdb" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb appeared"
    dirname "$initdb"
    return
  fi
  die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH), and installing it needs root and apt-get: install it (apt-get install postgresql, brew install postgresql …) or point ALSX_TEST_PG_URL at a server"
}

# runs a command as the user that owns the cluster: `postgres` when we are root, else ourselves
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local bin dir locale first last port t0 t1 t2 attempt
  bin=$(find_bin)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no postgres user to run the server as"
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/alsx-pg-XXXXXX")
  touch "$dir/$MARKER"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  as_owner test -w "$dir" || die "the postgres user cannot write $dir (set TMPDIR to a directory it can reach)"
  # C.UTF-8: byte-order collation as SQLite's BINARY, Unicode case mapping for lower()/ILIKE
  locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
  t0=$(now_ms)
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale="$locale" --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed (log above; directory $dir left for inspection)"
  fi
  t1=$(now_ms)
  IFS=- read -r first last <<<"${ALSX_PG_PORTS:-56000-56999}"
  local tried=''
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((first + RANDOM % (last - first + 1)))
    if port_in_use "$port"; then continue; fi
    tried=yes
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
      >/dev/null; then
      t2=$(now_ms)
      say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, dir $dir: initdb $((t1 - t0)) ms, start $((t2 - t1)) ms"
      printf 'ALSX_TEST_PG_URL=%q\n' "postgres://postgres@127.0.0.1:$port/postgres"
      printf 'ALSX_TEST_PG_DIR=%q\n' "$dir"
      return
    fi
    # lost a race for the port to another process: try another one; anything else is fatal
    grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null || break
    : >"$dir/server.log"
  done
  if [ -z "$tried" ]; then
    rm -rf "$dir"
    die "no free port in ${first}-${last} after 10 tries (set ALSX_PG_PORTS=FIRST-LAST)"
  fi
  cat "$dir/server.log" >&2 2>/dev/null || true
  die "the server did not start (log above; directory $dir left for inspection; attempt $attempt)"
}

stop() {
  local dir=${1:-${ALSX_TEST_PG_DIR:-}} bin
  [ -n "$dir" ] || die "usage: $0 stop DIR"
  [ -d "$dir" ] || return 0
  # only ever a directory this script made: never a cluster of Debian's or anyone else's
  [ -f "$dir/$MARKER" ] || die "$dir was not made by $0: refusing to stop or remove it"
  if [ -f "$dir/data/postmaster.pid" ]; then
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || say "pg_ctl stop failed; removing $dir anyway"
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 start | stop DIR" ;;
esac
