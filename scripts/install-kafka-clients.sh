#!/usr/bin/env bash
# The two independent Kafka clients the tests check the embedded broker with — kcat (librdkafka)
# and kafka-python — from Debian's packages, as root or through sudo; nothing when already there.
set -euo pipefail
if command -v kcat >/dev/null && /usr/bin/python3 -c 'import kafka' 2>/dev/null; then exit 0; fi
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
$sudo apt-get install -y -qq kcat python3-kafka
