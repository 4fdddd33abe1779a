#!/bin/sh
# Entry point of the stand-in apache/kafka image that the container tests build where no
# registry is reachable. Like the real image's: every KAFKA_* variable becomes a line of
# server.properties (KAFKA_NODE_ID=1 -> node.id=1; "__" stands for "_" and "___" for "-"),
# the storage is formatted on the first start, and the broker runs in the foreground.
set -eu
config=/opt/kafka/config/server.properties
: >"$config"
env | sort | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key="$(printf '%s' "${name#KAFKA_}" | sed 's/___/-/g; s/__/@/g; s/_/./g; s/@/_/g' \
    | tr '[:upper:]' '[:lower:]')"
  printf '%s=%s\n' "$key" "$value" >>"$config"
done
grep -q '^log\.dirs=' "$config" || echo "log.dirs=/var/lib/kafka/data" >>"$config"

java_opts="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} ${KAFKA_OPTS:-}"
java_opts="$java_opts -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties"
standalone=--standalone
if grep -q '^controller\.quorum\.voters=' "$config"; then standalone=; fi
# shellcheck disable=SC2086 # java_opts and standalone are lists of words
java $java_opts -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format --ignore-formatted \
  $standalone --cluster-id "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" --config "$config"
# shellcheck disable=SC2086
exec java $java_opts -cp '/opt/kafka/libs/*' kafka.Kafka "$config"
