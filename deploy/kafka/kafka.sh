#!/usr/bin/env bash
# The local single-node Apache Kafka broker (KRaft, combined broker and controller) on
# 127.0.0.1, for `newswire run` and the test suite. No Docker: Java 17+ and Maven.
#
#   deploy/kafka/kafka.sh start       start it (or find it running); prints host:port
#   deploy/kafka/kafka.sh stop        stop it (exit 0 also when none runs)
#   deploy/kafka/kafka.sh status      "running host:port (pid N)", or "not running" and exit 3
#   deploy/kafka/kafka.sh bootstrap   print host:port if running, or exit 3
#
# Only the bootstrap address goes to stdout; progress and errors go to stderr.
#
# Environment:
#   NEWSWIRE_CACHE_DIR        jars and default state   (${XDG_CACHE_HOME:-~/.cache}/newswire)
#   NEWSWIRE_KAFKA_STATE_DIR  data, config, log, pid   ($NEWSWIRE_CACHE_DIR/broker)
#   NEWSWIRE_KAFKA_HEAP       JVM heap options         (-Xmx512m -Xms256m)
#   NEWSWIRE_KAFKA_SECURED    1: also a SASL_SSL and a mutual-TLS listener (below)
#
# Secured (NEWSWIRE_KAFKA_SECURED=1), for trying and testing newswire against a cluster
# like the ones users run: besides the PLAINTEXT listener (printed, used by the broker
# itself), a SASL_SSL listener (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN and OAUTHBEARER with
# unsigned development tokens) and an SSL listener that requires a client certificate.
# openssl makes a CA, the broker's certificate (for 127.0.0.1 and localhost) and a client
# certificate in the state folder's tls/; the SCRAM user "newswire" is created when the
# storage is formatted (kafka-storage format --add-scram), with a random password. The
# state folder's secured.env then says, one NAME=value a line: SASL_SSL_BOOTSTRAP,
# SSL_BOOTSTRAP, CA_FILE, CLIENT_CERT_FILE, CLIENT_KEY_FILE, USERNAME, PASSWORD_FILE.
# A state folder switched between plain and secured starts with empty data.
#
# The jars (org.apache.kafka:kafka_2.13 and its dependencies, pinned in pom.xml) are
# resolved by Maven once, into $NEWSWIRE_CACHE_DIR/kafka-<version>/libs.
#
# The state folder holds: server.properties, data/ (the log dirs), broker.pid, bootstrap
# (host:port of the running broker), ports (the last ports used) and broker.log.
set -euo pipefail

say() { echo "kafka.sh: $*" >&2; }
die() { say "$*"; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pom="$here/pom.xml"
log4j_config="$here/log4j2.properties"
[ -f "$pom" ] || die "$pom is missing"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom" | head -n 1)"
[ -n "$version" ] || die "no <kafka.version> property in $pom"

cache="${NEWSWIRE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newswire}"
state="${NEWSWIRE_KAFKA_STATE_DIR:-$cache/broker}"
read -r -a heap <<<"${NEWSWIRE_KAFKA_HEAP:--Xmx512m -Xms256m}"
libs="$cache/kafka-$version/libs"
config="$state/server.properties"
data="$state/data"
pidfile="$state/broker.pid"
addrfile="$state/bootstrap"
portsfile="$state/ports"
log="$state/broker.log"
tls="$state/tls"
secured_env="$state/secured.env"
modefile="$state/mode"
secured="${NEWSWIRE_KAFKA_SECURED:-0}"
case "$secured" in 1 | true | yes) secured=1 ;; *) secured=0 ;; esac
start_timeout=90
stop_timeout=30

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH: $2"
}

# java with Kafka's classpath; its logging goes to the broker log (see log4j2.properties).
kjava() {
  java -Dlog4j2.configurationFile="$log4j_config" -Dnewswire.kafka.log="$log" \
    -cp "$libs/*" "$@"
}

# --- the jars ---------------------------------------------------------------------------

tmp_libs=""
cleanup() { if [ -n "$tmp_libs" ]; then rm -rf "$tmp_libs"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fetch_jars() {
  [ -f "$libs/.complete" ] && return 0
  need mvn "install Maven 3 (e.g. apt-get install maven) so that Kafka $version can be fetched"
  say "fetching Apache Kafka $version and its dependencies with Maven (once) into $libs"
  mkdir -p "$(dirname "$libs")"
  # Leftovers of downloads killed outright (kill -9, power loss).
  find "$(dirname "$libs")" -maxdepth 1 -name 'libs.tmp.*' -mmin +60 -exec rm -rf {} + \
    2>/dev/null || true
  # Copy into a temporary folder, then rename it: an interrupted download is never
  # taken for a complete one.
  tmp_libs="$(mktemp -d "$(dirname "$libs")/libs.tmp.XXXXXX")"
  chmod 755 "$tmp_libs"
  # Maven's output is shown only when it fails (with -q it is empty on success, apart
  # from stray colour codes of Maven 3.8).
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$tmp_libs" \
      -DincludeScope=runtime >"$tmp_libs/.maven.log" 2>&1; then
    tail -n 40 "$tmp_libs/.maven.log" >&2
    die "Maven could not fetch Kafka $version (output above): check that Maven Central" \
      "(or your Maven mirror) is reachable, then run this again"
  fi
  rm -f "$tmp_libs/.maven.log"
  touch "$tmp_libs/.complete"
  if [ -f "$libs/.complete" ]; then
    return 0  # fetched meanwhile by another run; ours is removed on exit
  fi
  rm -rf "$libs"
  mv "$tmp_libs" "$libs"
  tmp_libs=""
}

# --- state ------------------------------------------------------------------------------

# The pid of this state folder's broker, if it runs. A pid that now belongs to another
# program (after a reboot, say) does not count.
running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid args
  pid="$(cat "$pidfile")"
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  if command -v ps >/dev/null 2>&1; then
    args="$(ps -ww -o args= -p "$pid" 2>/dev/null)" || return 1
    case "$args" in *"kafka.Kafka $config"*) ;; *) return 1 ;; esac
  fi
  echo "$pid"
}

# Exit 0 when host:port answers a Kafka Metadata request (v4, the oldest that Kafka 4
# accepts) listing at least one broker.
answers() {
  python3 - "$1" <<'PY'
import socket, struct, sys

host, port = sys.argv[1].rsplit(":", 1)
correlation_id = 0x6E77
client_id = b"newswire-kafka-sh"
# Request header v1: api_key 3 (Metadata), api_version 4, correlation id, client id.
# Body v4: topics = null (all topics), allow_auto_topic_creation = false.
request = struct.pack(">hhih", 3, 4, correlation_id, len(client_id)) + client_id
request += struct.pack(">ib", -1, 0)


def read_exactly(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


try:
    with socket.create_connection((host, int(port)), timeout=3) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", read_exactly(sock, 4))
        if size < 12:
            sys.exit(1)
        # Response v4: correlation id, throttle_time_ms, then the brokers array.
        got_id, _throttle, brokers = struct.unpack(">iii", read_exactly(sock, 12))
except (OSError, ValueError):
    sys.exit(1)
sys.exit(0 if got_id == correlation_id and brokers >= 1 else 1)
PY
}

# Print a free TCP port on 127.0.0.1: $1 itself when it is given and free, else any.
free_port() {
  python3 - "${1:-0}" <<'PY'
import socket, sys

wanted = int(sys.argv[1])
for port in ([wanted] if wanted else []) + [0]:
    with socket.socket() as s:
        # Like the broker's own listener, so that a port in TIME_WAIT counts as free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
PY
}

# The CA, the broker's and a client's certificate and keys (PEM), made once per state
# folder; and the SCRAM user's password.
make_tls() {
  [ -f "$tls/.complete" ] && return 0
  need openssl "it makes the certificates of the secured listeners"
  rm -rf "$tls"
  mkdir -p "$tls"
  chmod 700 "$tls"
  if ! (
    set -e
    cd "$tls"
    days=3650
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$days" \
      -subj "/CN=newswire local CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    for name in broker client; do
      openssl req -newkey rsa:2048 -nodes -keyout "$name.key.pem" -out "$name.csr" \
        -subj "/CN=newswire-$name"
      printf '%s\n' "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" >"$name.ext"
      if [ "$name" = broker ]; then
        printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
          "extendedKeyUsage=serverAuth" >>"$name.ext"
      else
        echo "extendedKeyUsage=clientAuth" >>"$name.ext"
      fi
      openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
        -out "$name.pem" -days "$days" -extfile "$name.ext"
      # PKCS#8, unencrypted: what Kafka's PEM key stores read.
      openssl pkcs8 -topk8 -nocrypt -in "$name.key.pem" -out "$name.key"
      rm -f "$name.csr" "$name.ext" "$name.key.pem"
    done
    cat broker.key broker.pem >broker-keystore.pem
    openssl rand -hex 16 >password
    chmod 600 ./*.key password broker-keystore.pem
  ) >>"$log" 2>&1; then
    show_log
    die "openssl could not make the certificates in $tls (log above)"
  fi
  touch "$tls/.complete"
}

write_config() {
  local port="$1" controller="$2" sasl_port="${3:-}" ssl_port="${4:-}"
  local listeners="PLAINTEXT://127.0.0.1:$port" advertised="PLAINTEXT://127.0.0.1:$port"
  local protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [ "$secured" = 1 ]; then
    listeners="$listeners,SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$ssl_port"
    advertised="$advertised,SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$ssl_port"
    protocols="$protocols,SASL_SSL:SASL_SSL,SSL:SSL"
  fi
  cat >"$config" <<EOF
# Written by deploy/kafka/kafka.sh: a single-node KRaft broker for local use.
process.roles=broker,controller
node.id=1
listeners=$listeners,CONTROLLER://127.0.0.1:$controller
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols
inter.broker.listener.name=PLAINTEXT
controller.quorum.bootstrap.servers=127.0.0.1:$controller
log.dirs=$data
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
  if [ "$secured" = 1 ]; then
    local password
    password="$(cat "$tls/password")"
    cat >>"$config" <<EOF
ssl.keystore.type=PEM
ssl.keystore.location=$tls/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.pem
listener.name.ssl.ssl.client.auth=required
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_newswire="$password";
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="newswire";
EOF
  fi
}

write_secured_env() {
  cat >"$secured_env" <<EOF
SASL_SSL_BOOTSTRAP=127.0.0.1:$1
SSL_BOOTSTRAP=127.0.0.1:$2
CA_FILE=$tls/ca.pem
CLIENT_CERT_FILE=$tls/client.pem
CLIENT_KEY_FILE=$tls/client.key
USERNAME=newswire
PASSWORD_FILE=$tls/password
EOF
}

show_log() {
  if [ -s "$log" ]; then
    say "last lines of $log:"
    tail -n 30 "$log" | awk '{ print "  " $0 }' >&2
  fi
}

# --- commands ---------------------------------------------------------------------------

start() {
  need python3 "it picks the ports and checks that the broker answers"
  local pid="" mode=plain
  if [ "$secured" = 1 ]; then mode=secured; fi
  if pid="$(running_pid)"; then
    if [ "$(cat "$modefile" 2>/dev/null || echo plain)" != "$mode" ]; then
      say "the running broker (pid $pid) is not $mode: restarting it"
      stop
    elif [ -f "$addrfile" ] && answers "$(cat "$addrfile")"; then
      cat "$addrfile"
      return 0
    else
      say "the broker (pid $pid) does not answer: restarting it"
      stop
    fi
  fi
  rm -f "$pidfile" "$addrfile"
  need java "install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)"
  fetch_jars
  mkdir -p "$state"

  # Reuse the last ports when they are free: the controller's address is written into
  # the data at format time, so the data (topics, offsets) then survives a restart.
  # When they are taken, start afresh with new ports and empty data: this broker is for
  # local development, its data is disposable.
  if [ "$(cat "$modefile" 2>/dev/null || echo plain)" != "$mode" ]; then
    if [ -d "$data" ]; then say "switching this state folder to $mode: empty data"; fi
    rm -rf "$data" "$portsfile"
  fi
  echo "$mode" >"$modefile"
  if [ -f "$log" ]; then mv -f "$log" "$log.1"; fi

  local port="" controller="" sasl_port="" ssl_port="" p
  if [ -f "$portsfile" ]; then
    read -r port controller sasl_port ssl_port <"$portsfile" || true
    local taken=0
    for p in "$port" "$controller" ${sasl_port:+"$sasl_port"} ${ssl_port:+"$ssl_port"}; do
      if [ -z "$p" ] || [ "$(free_port "$p")" != "$p" ]; then taken=1; fi
    done
    if [ "$secured" = 1 ] && [ -z "$ssl_port" ]; then taken=1; fi
    if [ "$taken" = 1 ]; then
      [ -z "$port" ] || say "the last ports ($port, $controller) are taken: new ports, empty data"
      port=""
    fi
  fi
  if [ -z "$port" ]; then
    local picked=()
    while [ "${#picked[@]}" -lt 4 ]; do
      p="$(free_port)"
      case " ${picked[*]-} " in *" $p "*) ;; *) picked+=("$p") ;; esac
    done
    port="${picked[0]}" controller="${picked[1]}" sasl_port="" ssl_port=""
    if [ "$secured" = 1 ]; then sasl_port="${picked[2]}" ssl_port="${picked[3]}"; fi
    rm -rf "$data"
  fi
  echo "$port $controller $sasl_port $ssl_port" >"$portsfile"
  if [ "$secured" = 1 ]; then make_tls; fi
  write_config "$port" "$controller" "$sasl_port" "$ssl_port"

  if [ ! -f "$data/meta.properties" ]; then
    local cluster
    cluster="$(kjava kafka.tools.StorageTool random-uuid 2>>"$log" | tail -n 1)"
    [ -n "$cluster" ] || { show_log; die "could not generate a cluster id with Kafka's StorageTool"; }
    local scram=() password
    if [ "$secured" = 1 ]; then
      password="$(cat "$tls/password")"
      scram=(--add-scram "SCRAM-SHA-512=[name=newswire,password=$password]"
        --add-scram "SCRAM-SHA-256=[name=newswire,password=$password]")
    fi
    if ! kjava kafka.tools.StorageTool format --standalone -t "$cluster" -c "$config" \
        ${scram[@]+"${scram[@]}"} >>"$log" 2>&1; then
      show_log
      die "formatting the broker's storage in $data failed; remove $state and run start again"
    fi
  fi

  local address="127.0.0.1:$port"
  say "starting Kafka $version on $address (log: $log)"
  local detach=()
  if command -v setsid >/dev/null 2>&1; then detach=(setsid); fi
  # Its own session (setsid): the broker outlives this script and ignores the terminal's
  # Ctrl-C. setsid does not fork here (a script's background job is no group leader),
  # so $! is the broker's pid.
  nohup ${detach[@]+"${detach[@]}"} java ${heap[@]+"${heap[@]}"} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$log4j_config" -Dnewswire.kafka.log="$log" \
    -cp "$libs/*" kafka.Kafka "$config" >>"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"

  local began=$SECONDS next_note=$((SECONDS + 5))
  while ! answers "$address"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      show_log
      die "the broker exited while starting (full log: $log). Fix the cause shown above" \
        "(e.g. a port taken meanwhile: just run start again), or remove $state to start afresh"
    fi
    if [ $((SECONDS - began)) -ge "$start_timeout" ]; then
      show_log
      stop
      die "the broker did not answer on $address within ${start_timeout}s (full log: $log);" \
        "check the log above, free some memory or CPU, then run start again"
    fi
    if [ "$SECONDS" -ge "$next_note" ]; then
      say "waiting for the broker to answer ($((SECONDS - began))s)"
      next_note=$((SECONDS + 5))
    fi
    sleep 0.5
  done
  echo "$address" >"$addrfile"
  if [ "$secured" = 1 ]; then
    write_secured_env "$sasl_port" "$ssl_port"
    say "secured listeners: SASL_SSL on 127.0.0.1:$sasl_port, mutual TLS on" \
      "127.0.0.1:$ssl_port (client settings: $secured_env)"
  else
    rm -f "$secured_env"
  fi
  say "broker ready at $address after $((SECONDS - began))s (pid $pid)"
  echo "$address"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "no broker running (state: $state)"
    rm -f "$pidfile" "$addrfile"
    return 0
  fi
  say "stopping the broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  kill -CONT "$pid" 2>/dev/null || true  # a suspended broker handles the TERM too
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "the broker did not stop within ${stop_timeout}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile" "$addrfile"
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
    say "no broker running (state: $state)"
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
