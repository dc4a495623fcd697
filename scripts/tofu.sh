#!/usr/bin/env bash
# Prints the path of the OpenTofu CLI the provider's acceptance tests run
# (internal/tfprovider), building it first when the cache lacks it:
# github.com/opentofu/opentofu v1.10.10 from the Go module proxy, through
# the tools module tools/opentofu (its go.mod repeats OpenTofu's replace
# directive, which `go install ...@version` refuses). The build takes
# about 3 minutes on 2 cores; the binary is kept in
# ${XDG_CACHE_HOME:-$HOME/.cache}/artnet-panel/tofu-v1.10.10/tofu.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.10.10
dir="${XDG_CACHE_HOME:-$HOME/.cache}/artnet-panel/tofu-$version"
bin="$dir/tofu"
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  echo "tofu.sh: building OpenTofu $version into $bin (a few minutes, once)" >&2
  tmp="$bin.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  (cd tools/opentofu && go build -trimpath -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$tmp" github.com/opentofu/opentofu/cmd/tofu) >&2
  mv "$tmp" "$bin"
fi
"$bin" version >/dev/null 2>&1
echo "$bin"
