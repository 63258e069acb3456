#!/usr/bin/env bash
# A local cluster of GuestChat.Actors nodes as plain processes on free loopback ports (no Docker): a
# throw-away PostgreSQL all nodes share (scripts/postgres.sh), the emulator in a process of its own (the
# "Genesys" every node talks to), optionally a throw-away RabbitMQ (scripts/rabbitmq.sh), and N nodes of
# `serve` with Cluster:Enabled=true, each given every node as a seed node.
#
#   scripts/cluster.sh start DIR [NODES]   builds (Release) unless GUESTCHAT_BIN names a build, starts it
#                                          all (3 nodes by default; GUESTCHAT_CLUSTER_AMQP=1 adds RabbitMQ),
#                                          waits until every node's /healthz is 200, prints where they are
#   scripts/cluster.sh kill DIR N          SIGKILL node N (as an OOM killer or a lost machine would)
#   scripts/cluster.sh leave DIR N         SIGTERM node N: it leaves the cluster, handing its chats over
#   scripts/cluster.sh node DIR N          (re)starts node N on its ports and waits until it is healthy
#   scripts/cluster.sh stop DIR            stops everything and removes DIR
#
# DIR holds the logs (node-N.log, emulator.log), api-key (the X-Api-Key of every node) and nodes (one line
# per node: N, its HTTP URL, its remoting port).
# Extra settings for every node: GUESTCHAT_NODE_ARGS, e.g. "--Serilog:MinimumLevel:Default=Warning"; for
# the emulator: GUESTCHAT_EMULATOR_ARGS; GUESTCHAT_TARGET=URL uses an emulator already running there instead.
set -euo pipefail

command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start DIR [NODES] | kill DIR N | leave DIR N | node DIR N | stop DIR" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_healthy() {
  local url=$1 what=$2 log=$3
  for _ in $(seq 1 240); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$url" || true) == 200 ]]; then
      return 0
    fi
    sleep 0.5
  done
  echo "$what did not become healthy within 120 s; the end of $log:" >&2
  tail -40 "$log" >&2
  return 1
}

start_node() {
  local n=$1
  # shellcheck disable=SC1090,SC1091
  source "$dir/cluster.env"
  # shellcheck disable=SC1090
  source "$dir/node-$n.env"
  local seeds=() i=0
  for port in $REMOTE_PORTS; do
    seeds+=("--Cluster:SeedNodes:$i=127.0.0.1:$port")
    i=$((i + 1))
  done
  local amqp=() extra=()
  if [[ -n "${AMQP_URI:-}" ]]; then
    amqp=("--Amqp:Uri=$AMQP_URI")
  fi
  # Shell words, so a value with spaces can be quoted: GUESTCHAT_NODE_ARGS='--Target:Queue="Bench Queue"'.
  eval "extra=(${GUESTCHAT_NODE_ARGS:-})"
  GUESTCHAT_Service__ApiKey="$API_KEY" GUESTCHAT_Persistence__JwtKey="$JWT_KEY" \
  GUESTCHAT_Persistence__Provider=PostgreSql GUESTCHAT_Persistence__ConnectionString="$PG" \
    setsid "$BIN/GuestChat.Host" serve --urls "http://127.0.0.1:$HTTP_PORT" \
      --target "$EMULATOR" --Target:OrganizationId=6b0f4b8e-3f2a-4a55-9d1c-2f5e8c7a9b10 \
      --Target:DeploymentId=2c9a8b47-1e6d-4f0a-8b3c-5d7e9f1a2b30 "--Target:Queue=Chat Queue" \
      --Cluster:Enabled=true --Cluster:Port="$REMOTE_PORT" \
      "${seeds[@]}" "${amqp[@]}" "${extra[@]}" \
      >>"$dir/node-$n.log" 2>&1 < /dev/null &
  echo $! > "$dir/node-$n.pid"
  wait_healthy "http://127.0.0.1:$HTTP_PORT/healthz" "node $n" "$dir/node-$n.log"
}

signal_node() {
  local signal=$1 n=$2
  if [[ -f "$dir/node-$n.pid" ]]; then
    local pid
    pid=$(cat "$dir/node-$n.pid")
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/node-$n.pid"
  fi
}

case "$command" in
  start)
    nodes=${3:-3}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    bin=${GUESTCHAT_BIN:-}
    if [[ -z "$bin" ]]; then
      echo "Building the service (Release)..." >&2
      dotnet build -c Release "$root/src/GuestChat.Host" -o "$dir/bin" >"$dir/build.log" 2>&1 || { tail -30 "$dir/build.log" >&2; exit 1; }
      bin="$dir/bin"
    fi
    pg=$("$root/scripts/postgres.sh" start "$dir/postgres" | sed -n 's/^ConnectionString=//p')
    amqp_uri=
    if [[ "${GUESTCHAT_CLUSTER_AMQP:-0}" == 1 ]]; then
      amqp_uri=$("$root/scripts/rabbitmq.sh" start "$dir/rabbitmq" | sed -n 's/^Uri=//p')
    fi
    emulator=${GUESTCHAT_TARGET:-}
    if [[ -z "$emulator" ]]; then
      emulator_port=$(free_port)
      eval "emulator_args=(${GUESTCHAT_EMULATOR_ARGS:-})"
      setsid "$bin/GuestChat.Emulator" --urls "http://127.0.0.1:$emulator_port" "${emulator_args[@]}" >"$dir/emulator.log" 2>&1 < /dev/null &
      echo $! > "$dir/emulator.pid"
      emulator="http://127.0.0.1:$emulator_port"
      wait_healthy "$emulator/emulator" "the emulator" "$dir/emulator.log"
    fi
    api_key=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    jwt_key=$(python3 -c 'import os, base64; print(base64.b64encode(os.urandom(32)).decode())')
    echo "$api_key" > "$dir/api-key"
    remote_ports=
    : > "$dir/nodes"
    for n in $(seq 1 "$nodes"); do
      http=$(free_port); remote=$(free_port)
      printf 'HTTP_PORT=%s\nREMOTE_PORT=%s\n' "$http" "$remote" > "$dir/node-$n.env"
      remote_ports="$remote_ports $remote"
      echo "$n http://127.0.0.1:$http $remote" >> "$dir/nodes"
    done
    {
      printf 'BIN=%q\nPG=%q\nEMULATOR=%q\nAPI_KEY=%q\nJWT_KEY=%q\n' "$bin" "$pg" "$emulator" "$api_key" "$jwt_key"
      printf 'REMOTE_PORTS=%q\nAMQP_URI=%q\n' "$remote_ports" "$amqp_uri"
    } > "$dir/cluster.env"
    # The nodes start together: the first seed node forms the cluster, the others join it.
    pids=()
    for n in $(seq 1 "$nodes"); do
      start_node "$n" & pids+=($!)
    done
    for pid in "${pids[@]}"; do
      wait "$pid"
    done
    echo "A cluster of $nodes nodes; X-Api-Key in $dir/api-key; logs in $dir:" >&2
    cat "$dir/nodes"
    ;;
  kill)
    signal_node KILL "${3:?node number}"
    ;;
  leave)
    signal_node TERM "${3:?node number}"
    ;;
  node)
    signal_node KILL "${3:?node number}"
    start_node "$3"
    ;;
  stop)
    for pidfile in "$dir"/node-*.pid "$dir/emulator.pid"; do
      [[ -f "$pidfile" ]] && kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
    done
    [[ -d "$dir/rabbitmq" ]] && "$root/scripts/rabbitmq.sh" stop "$dir/rabbitmq" || true
    [[ -d "$dir/postgres" ]] && "$root/scripts/postgres.sh" stop "$dir/postgres" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR [NODES] | kill DIR N | leave DIR N | node DIR N | stop DIR" >&2
    exit 2
    ;;
esac
