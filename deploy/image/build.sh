#!/bin/sh
# build.sh BINARY IMAGE: builds the OCI image of deploy/image/Containerfile
# around BINARY (a static tickarena) with podman, else buildah, and tags it
# IMAGE:<version> (git describe) and IMAGE:latest.
set -eu
bin=$1
image=$2
here=$(cd "$(dirname "$0")" && pwd)
if command -v podman >/dev/null 2>&1; then
	tool="podman build"
elif command -v buildah >/dev/null 2>&1; then
	tool="buildah build"
else
	echo "make image needs podman or buildah (apt-get install podman or buildah)" >&2
	exit 1
fi
ca=/etc/ssl/certs/ca-certificates.crt
if [ ! -f "$ca" ]; then
	echo "make image needs $ca (apt-get install ca-certificates)" >&2
	exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/tickarena"
cp "$ca" "$stage/ca-certificates.crt"
mkdir "$stage/data"
version=$(git -C "$here" describe --tags --always --dirty 2>/dev/null || echo dev)
revision=$(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)
$tool --quiet --format oci -f "$here/Containerfile" \
	--build-arg VERSION="$version" --build-arg REVISION="$revision" \
	--build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	-t "$image:$version" -t "$image:latest" "$stage"
echo "built $image:$version and $image:latest"
