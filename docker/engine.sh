#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io if there is no engine, starts dockerd in
# the background (log: ${DOCKERD_LOG:-/tmp/loomchat-dockerd.log}) and waits until `docker info` answers.
# For CI and fresh machines of the project's kind (Debian, root); elsewhere start Docker the usual way.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker/engine.sh: installing docker.io" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
LOG="${DOCKERD_LOG:-/tmp/loomchat-dockerd.log}"
echo "docker/engine.sh: starting dockerd (log: $LOG)" >&2
nohup dockerd >"$LOG" 2>&1 &
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "docker/engine.sh: dockerd did not answer within 60s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2
exit 1
