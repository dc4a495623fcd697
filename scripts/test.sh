#!/usr/bin/env bash
# Runs every test of the project: go vet, then the whole test suite with a
# throwaway PostgreSQL cluster (scripts/pgtest.sh starts it from the
# machine's PostgreSQL binaries, installing the Debian package if needed,
# and stops it afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" $unformatted >&2
  exit 1
fi
go vet ./...
exec scripts/pgtest.sh go test -count=1 "$@" ./...
