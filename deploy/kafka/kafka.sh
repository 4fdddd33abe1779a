#!/usr/bin/env bash
# The local single-node Apache Kafka broker (KRaft, combined broker and controller) on
# 127.0.0.1, for `newswire run` and the test suite. No Docker: Java 17 and Maven.
#
#   deploy/kafka/kafka.sh start       start it (or find it running); prints host:port
#   deploy/kafka/kafka.sh stop        stop it
#   deploy/kafka/kafka.sh status      "running host:port (pid N)", or exit 3
#   deploy/kafka/kafka.sh bootstrap   print host:port if running, or exit 3
#
# Environment:
#   NEWSWIRE_CACHE_DIR        jars and default state   (~/.cache/newswire)
#   NEWSWIRE_KAFKA_STATE_DIR  data, config, log, pid   ($NEWSWIRE_CACHE_DIR/broker)
#   NEWSWIRE_KAFKA_HEAP       JVM heap options         (-Xmx512m -Xms256m)
#
# The jars (org.apache.kafka:kafka_2.13 and its dependencies, pinned in pom.xml) are
# resolved by Maven once, into $NEWSWIRE_CACHE_DIR/kafka-<version>/libs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/pom.xml"
cache="${NEWSWIRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newswire}"
state="${NEWSWIRE_KAFKA_STATE_DIR:-$cache/broker}"
heap="${NEWSWIRE_KAFKA_HEAP:--Xmx512m -Xms256m}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
libs="$cache/kafka-$version/libs"
pidfile="$state/broker.pid"
addrfile="$state/bootstrap"
log="$state/broker.log"

say() { echo "kafka.sh: $*" >&2; }
die() { say "$*"; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"
}

# --- the jars ---------------------------------------------------------------------------

fetch_jars() {
  [ -f "$libs/.complete" ] && return 0
  need mvn "install Maven (apt-get install maven) to fetch Kafka $version"
  say "fetching Apache Kafka $version and its dependencies with Maven (once) into $libs"
  mkdir -p "$(dirname "$libs")"
  local tmp
  tmp="$(mktemp -d "$(dirname "$libs")/libs.XXXXXX")"
  if ! mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >&2; then
    rm -rf "$tmp"
    die "Maven could not fetch Kafka $version: check that Maven Central is reachable, then retry"
  fi
  touch "$tmp/.complete"
  rm -rf "$libs"
  mv "$tmp" "$libs"
}

# --- state ------------------------------------------------------------------------------

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Exit 0 when a broker answers a Metadata request (v4) with at least one broker.
answers() {
  python3 - "$1" <<'PY'
import socket, struct, sys
host, port = sys.argv[1].rsplit(":", 1)
client = b"newswire-kafka-sh"
body = struct.pack(">hhih", 3, 4, 7, len(client)) + client + struct.pack(">ib", -1, 0)
try:
    with socket.create_connection((host, int(port)), timeout=2) as s:
        s.sendall(struct.pack(">i", len(body)) + body)
        head = b""
        while len(head) < 16:
            chunk = s.recv(16 - len(head))
            if not chunk:
                sys.exit(1)
            head += chunk
        _size, correlation, _throttle, brokers = struct.unpack(">iiii", head)
        sys.exit(0 if correlation == 7 and brokers >= 1 else 1)
except OSError:
    sys.exit(1)
PY
}

free_port() {
  python3 - "${1:-0}" <<'PY'
import socket, sys
wanted = int(sys.argv[1])
for port in ([wanted] if wanted else []) + [0]:
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(s.getsockname()[1])
    s.close()
    break
PY
}

write_config() {
  local port="$1" controller="$2"
  cat >"$state/server.properties" <<EOF
# Written by deploy/kafka/kafka.sh: a single-node KRaft broker for local use.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller
log.dirs=$state/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# --- commands ---------------------------------------------------------------------------

start() {
  local pid
  if pid="$(running_pid)" && [ -f "$addrfile" ] && answers "$(cat "$addrfile")"; then
    cat "$addrfile"
    return 0
  fi
  [ -n "${pid:-}" ] && stop
  need java "install a Java 17+ runtime (apt-get install openjdk-17-jre-headless)"
  need python3 "it checks that the broker answers"
  fetch_jars
  mkdir -p "$state"

  # Reuse the previous ports when they are free, so that the data (whose controller
  # address is recorded at format time) survives a restart. Otherwise start afresh:
  # this broker is for local use, and its data is disposable.
  local port="" controller=""
  if [ -f "$state/ports" ]; then
    read -r port controller <"$state/ports" || true
    [ "$(free_port "$port")" = "$port" ] && [ "$(free_port "$controller")" = "$controller" ] \
      || port=""
  fi
  if [ -z "$port" ]; then
    port="$(free_port)"
    controller="$(free_port)"
    while [ "$controller" = "$port" ]; do controller="$(free_port)"; done
    rm -rf "$state/data"
  fi
  echo "$port $controller" >"$state/ports"
  write_config "$port" "$controller"

  local cp="$libs/*"
  if [ ! -f "$state/data/meta.properties" ]; then
    local cluster
    cluster="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$log" | tail -n 1)"
    java -cp "$cp" kafka.tools.StorageTool format --standalone -t "$cluster" \
      -c "$state/server.properties" >>"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; die "formatting the broker's storage in $state/data failed (log above)"; }
  fi

  say "starting the broker on 127.0.0.1:$port (log: $log)"
  # shellcheck disable=SC2086 # $heap holds several JVM options
  nohup setsid java $heap -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dnewswire.kafka.log="$log" \
    -cp "$cp" kafka.Kafka "$state/server.properties" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"

  local address="127.0.0.1:$port" waited=0
  while ! answers "$address"; do
    if ! running_pid >/dev/null; then
      tail -n 30 "$log" >&2
      rm -f "$pidfile"
      die "the broker exited during start-up (log above, full log in $log)"
    fi
    if [ "$waited" -ge 90 ]; then
      tail -n 30 "$log" >&2
      stop
      die "the broker did not answer within 90 s (log above, full log in $log)"
    fi
    [ $((waited % 5)) -eq 4 ] && say "waiting for the broker to answer (${waited}s)"
    sleep 1
    waited=$((waited + 1))
  done
  echo "$address" >"$addrfile"
  say "broker ready at $address"
  echo "$address"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "no broker running (state: $state)"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "the broker did not stop within 30 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "broker stopped"
}

status() {
  local pid
  if pid="$(running_pid)" && [ -f "$addrfile" ]; then
    echo "running $(cat "$addrfile") (pid $pid)"
  else
    echo "not running"
    exit 3
  fi
}

bootstrap() {
  if running_pid >/dev/null && [ -f "$addrfile" ]; then
    cat "$addrfile"
  else
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  bootstrap) bootstrap ;;
  *) echo "usage: $0 start|stop|status|bootstrap" >&2; exit 2 ;;
esac
