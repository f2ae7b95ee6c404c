#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests, on a free loopback port, run as the postgres user
# (PostgreSQL refuses to run as root).
#   tests/postgres-cluster.sh start DIR   creates and starts it in DIR; prints its connection string
#   tests/postgres-cluster.sh stop DIR    stops it and removes DIR
set -euo pipefail
command=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    for attempt in 1 2 3 4 5; do
      port=$(shuf -i 20000-60000 -n 1)
      # fsync off: the tests kill processes, not machines.
      if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
          -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c max_connections=500" \
          start >/dev/null; then
        echo "Host=127.0.0.1;Port=$port;Username=postgres"
        exit 0
      fi
    done
    echo "PostgreSQL did not start; see $dir/log" >&2
    exit 1
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac
