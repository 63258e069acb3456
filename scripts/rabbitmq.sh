#!/usr/bin/env bash
# A throw-away RabbitMQ for tests and local runs: Debian's rabbitmq-server package, a node directory of
# its own (data, logs, Erlang cookie), free loopback ports for AMQP, Erlang distribution and epmd, the
# user guest/guest (which RabbitMQ allows on loopback only). No Docker.
#
#   scripts/rabbitmq.sh start DIR    installs rabbitmq-server if missing (apt-get, as root), starts a node
#                                    in DIR and prints Uri=amqp://... on its last line; started again on
#                                    a DIR it paused, it comes back on the same port with its data
#   scripts/rabbitmq.sh pause DIR    stops the node, keeping DIR (a broker outage)
#   scripts/rabbitmq.sh stop DIR     stops the node and removes DIR
set -euo pipefail

command=${1:-}
dir=${2:-}
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|pause|stop DIR" >&2
  exit 2
fi

sbin=/usr/lib/rabbitmq/bin
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

environment() {
  # shellcheck disable=SC1091
  source "$dir/ports"
  export HOME="$dir" RABBITMQ_NODENAME="guestchat-$NAME@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
}

case "$command" in
  start)
    if [[ ! -x "$sbin/rabbitmq-server" ]]; then
      if [[ $(id -u) -ne 0 ]]; then
        echo "RabbitMQ is not installed and this is not root: install Debian's rabbitmq-server package first." >&2
        exit 1
      fi
      echo "Installing Debian's rabbitmq-server package..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq rabbitmq-server >&2
      # The package starts a system node where it can; the tests want only their own.
      "$sbin/rabbitmqctl" stop >/dev/null 2>&1 || true
    fi
    mkdir -p "$dir/log" "$dir/mnesia"
    if [[ ! -f "$dir/ports" ]]; then
      printf 'NAME=%s\nAMQP_PORT=%s\nDIST_PORT=%s\nEPMD_PORT=%s\n' \
        "$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$(free_port)" "$(free_port)" "$(free_port)" > "$dir/ports"
      : > "$dir/rabbitmq-env.conf"
      echo '[].' > "$dir/advanced.config"
      echo '[].' > "$dir/enabled_plugins"
      cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$(grep AMQP_PORT "$dir/ports" | cut -d= -f2)
loopback_users.guest = true
log.console = false
log.file.level = warning
vm_memory_high_watermark.relative = 0.2
disk_free_limit.absolute = 50MB
CONF
      head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/.erlang.cookie"
      chmod 400 "$dir/.erlang.cookie"
    fi
    environment
    "$sbin/rabbitmq-server" > "$dir/log/server.out" 2>&1 &
    if ! timeout 150 "$sbin/rabbitmqctl" wait --timeout 120 "$RABBITMQ_PID_FILE" >"$dir/log/await.out" 2>&1; then
      cat "$dir/log/await.out" "$dir/log/server.out" >&2
      ls "$dir/log" >&2
      exit 1
    fi
    echo "Uri=amqp://guest:guest@127.0.0.1:$AMQP_PORT/"
    ;;
  pause|stop)
    if [[ -f "$dir/ports" ]]; then
      environment
      "$sbin/rabbitmqctl" stop >/dev/null 2>&1 || true
      # The node started an epmd of its own on ERL_EPMD_PORT; it goes too.
      "$(ls -d /usr/lib/erlang/erts-*/bin | sort -V | tail -1)/epmd" -kill >/dev/null 2>&1 || true
    fi
    if [[ "$command" == stop ]]; then
      rm -rf "$dir"
    fi
    ;;
  *)
    echo "usage: $0 start|pause|stop DIR" >&2
    exit 2
    ;;
esac
