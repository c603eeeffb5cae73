#!/usr/bin/env bash
# Builds a NATS server image without any registry, from this machine's nats-server (Debian's package:
# apt-get install nats-server), plus the C library it links against, imported as a Docker image. For the
# cluster demo (docker/cluster.yaml) on machines that cannot pull the official nats image.
#
#   docker/offline-nats.sh [TAG]        (default tag: loomchat/nats:<nats-server's version>)
set -euo pipefail

NATS="$(command -v nats-server || true)"
[ -n "$NATS" ] || NATS=/usr/sbin/nats-server
if [ ! -x "$NATS" ]; then
  echo "offline-nats: nats-server is not installed (apt-get install nats-server)" >&2
  exit 1
fi
VERSION="$("$NATS" --version | awk '{print $NF}' | tr -d 'v')"
TAG="${1:-loomchat/nats:$VERSION}"

if docker image inspect "$TAG" >/dev/null 2>&1 && [ -z "${REBUILD:-}" ]; then
  echo "$TAG"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS/usr/bin" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/data"
chmod 1777 "$ROOTFS/tmp"
cp -L "$NATS" "$ROOTFS/usr/bin/nats-server"
# The shared libraries it links against (the C library) and the dynamic loader.
for lib in $(ldd "$NATS" | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | sort -u); do
  mkdir -p "$ROOTFS$(dirname "$lib")"
  cp -L "$(readlink -f "$lib")" "$ROOTFS$lib"
done
mkdir -p "$ROOTFS/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$ROOTFS/lib64/"
echo "hosts: files dns" > "$ROOTFS/etc/nsswitch.conf"

tar -C "$ROOTFS" -c . | docker import \
  -c 'LABEL io.loomchat.image=true' \
  -c 'EXPOSE 4222' \
  -c 'ENTRYPOINT ["/usr/bin/nats-server"]' \
  -c 'CMD ["-js", "-sd", "/data"]' - "$TAG" >&2
echo "$TAG"
