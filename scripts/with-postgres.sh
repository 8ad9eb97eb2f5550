#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server: a new cluster in a temp folder (initdb as the
# postgres user), started with pg_ctl on a free loopback port with fsync off, and removed afterwards
# whatever the command's outcome. The command sees its URL as LEANOS_TEST_DATABASE_URL.
#   bash scripts/with-postgres.sh npm test
set -euo pipefail

find_bin() {
  local name="$1" dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  command -v "$name" || return 1
}

if ! find_bin initdb >/dev/null 2>&1; then
  echo "with-postgres: installing postgresql-15 from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
initdb="$(find_bin initdb)"
pg_ctl="$(find_bin pg_ctl)"
dir="$(mktemp -d /tmp/leanos-pg-XXXXXX)"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

stop() {
  as_postgres "'$pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_postgres "'$initdb' -D '$dir/data' -U postgres -A trust --no-sync" >/dev/null
as_postgres "'$pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null
echo "with-postgres: PostgreSQL $("$pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port" >&2

export LEANOS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
