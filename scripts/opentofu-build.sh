#!/usr/bin/env bash
# Prints the path of an OpenTofu binary of version $TOFU_VERSION (default 1.12.6), built from the Go module proxy
# once and cached. The module has replace directives, so `go install pkg@version` refuses it: its source is
# downloaded with `go mod download`, copied somewhere writable (the module cache is read-only) and built there.
# Nothing is downloaded from OpenTofu's release site or a provider registry.
set -euo pipefail
version="${TOFU_VERSION:-1.12.6}"
cache="${AURA_TOFU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aura-tofu}/$version"
bin="$cache/tofu"
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "^OpenTofu v$version\$"; then
  echo "$bin"; exit 0
fi
began=$(date +%s)
dir=$(go mod download -json "github.com/opentofu/opentofu@v$version" | jq -r .Dir)
[ -d "$dir" ] || { echo "go mod download gave no source for OpenTofu $version" >&2; exit 1; }
rm -rf "$cache/src"; mkdir -p "$cache"
cp -r "$dir" "$cache/src"
chmod -R u+w "$cache/src"
# Built to a temporary name and renamed, so an interrupted build never leaves a binary that looks cached.
# The flags of OpenTofu's own release build (.goreleaser.yaml); version.dev=no drops the "-dev" suffix.
(cd "$cache/src" && CGO_ENABLED=0 go build -mod=readonly -trimpath \
  -ldflags "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" -o "$bin.tmp" ./cmd/tofu)
mv "$bin.tmp" "$bin"
rm -rf "$cache/src"
echo "built OpenTofu $version in $(( $(date +%s) - began ))s: $bin" >&2
echo "$bin"
