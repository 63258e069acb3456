#!/usr/bin/env bash
# A throw-away PostgreSQL for tests and local runs: Debian's package, a data directory of its own, a free
# loopback port, trust authentication for the local user "postgres". No Docker.
#
#   scripts/postgres.sh start DIR    installs postgresql if missing (apt-get, as root), creates DIR,
#                                    starts a server there and prints ConnectionString=... on its last line
#   scripts/postgres.sh stop DIR     stops it and removes DIR
set -euo pipefail

command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  echo "$found"
}

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    if [[ -z "$(bin)" ]]; then
      if [[ $(id -u) -ne 0 ]]; then
        echo "PostgreSQL is not installed and this is not root: install Debian's postgresql package first." >&2
        exit 1
      fi
      echo "Installing Debian's postgresql package..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
    fi
    pg=$(bin)
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres "$dir"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_postgres "$pg/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_postgres "$pg/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" > "$dir/port"
    echo "ConnectionString=Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    pg=$(bin)
    if [[ -n "$pg" && -d "$dir/data" ]]; then
      as_postgres "$pg/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
