#!/usr/bin/env bash
# Builds a slim Java runtime image without any registry: a jlink runtime made from the JDK on this
# machine, plus the shared libraries it needs, imported as a Docker image. For machines that cannot pull
# eclipse-temurin (offline CI); pass the tag it prints as the Dockerfile's RUNTIME_IMAGE build argument.
#
#   docker/offline-base.sh [TAG]        (default tag: loomchat/jre-base:<hash of the module list>)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The modules the server and the client need (jdeps --print-module-deps on the jars), plus TLS, logging
# and the HTTP server behind --metrics-port.
MODULES="java.base,java.desktop,java.sql,java.management,jdk.management,java.logging,java.naming,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.httpserver"
# The tag names the module set, so that a changed set makes a new image instead of reusing a stale one.
TAG="${1:-loomchat/jre-base:$(printf '%s' "$MODULES" | sha256sum | cut -c1-12)}"

if docker image inspect "$TAG" >/dev/null 2>&1 && [ -z "${REBUILD:-}" ]; then
  echo "$TAG"
  exit 0
fi

JDK="$("$ROOT/loomchat" java-home)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS/opt" "$ROOTFS/etc" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$ROOTFS/opt/java" >&2

# Every shared library the runtime links against, and their own, with the dynamic loader.
libs() {
  find "$ROOTFS/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null | awk '/=> \// {print $3} /^\s*\/lib/ {print $1}' | sort -u
}
for lib in $(libs); do
  real="$(readlink -f "$lib")"
  mkdir -p "$ROOTFS$(dirname "$lib")"
  cp -L "$real" "$ROOTFS$lib"
done
mkdir -p "$ROOTFS/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$ROOTFS/lib64/"

# A non-root user for the server to run as, and name resolution for the JDK.
cat > "$ROOTFS/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
loomchat:x:10001:10001:loomchat:/tmp:/sbin/nologin
PASSWD
cat > "$ROOTFS/etc/group" <<'GROUP'
root:x:0:
loomchat:x:10001:
GROUP
echo "hosts: files dns" > "$ROOTFS/etc/nsswitch.conf"

tar -C "$ROOTFS" -c . | docker import -c 'ENV PATH=/opt/java/bin' -c 'ENV JAVA_HOME=/opt/java' - "$TAG" >&2
echo "$TAG"
