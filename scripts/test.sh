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

# Real peers of the DNS tests: dig (dnsutils), kdig (knot-dnsutils) and
# knotd (knot). Installed from Debian when missing and we are root; the
# tests skip loudly when they cannot be had.
need=()
command -v dig >/dev/null || need+=(dnsutils)
command -v kdig >/dev/null || need+=(knot-dnsutils)
command -v knotd >/dev/null || [ -x /usr/sbin/knotd ] || need+=(knot)
# The nftables driver's tests: ip (iproute2) builds their namespaces, nft
# (nftables) lists tables; they skip loudly without root and namespaces.
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
command -v nft >/dev/null || [ -x /usr/sbin/nft ] || need+=(nftables)
# Power and transfer usage: ipmitool (the IPMI driver and the tests' read
# back), ipmi_sim (openipmi) as the BMC, snmpd as the switch's agent.
command -v ipmitool >/dev/null || need+=(ipmitool)
command -v ipmi_sim >/dev/null || need+=(openipmi)
command -v snmpd >/dev/null || [ -x /usr/sbin/snmpd ] || need+=(snmpd)
# The QEMU hypervisor driver's tests boot real (tiny) virtual machines.
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-img >/dev/null || need+=(qemu-utils)
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || need+=(busybox-static)
# The invoice PDF tests read the PDF with pdftotext (poppler-utils).
command -v pdftotext >/dev/null || need+=(poppler-utils)
# The EPP test registry validates every frame with xmllint (libxml2-utils).
command -v xmllint >/dev/null || need+=(libxml2-utils)
# The web panel's browser tests drive Chromium (internal/web/webtest).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; } ||
    echo "test.sh: could not install ${need[*]}; the DNS peer / nftables tests will SKIP" >&2
fi
# The web panel's browser tests save their screenshots here.
export ARTNET_WEB_SHOTS="${ARTNET_WEB_SHOTS:-out/web-shots}"
# The end-to-end HTTP suite runs a second time on PostgreSQL.
exec scripts/pgtest.sh bash -c '
  set -e
  go test -count=1 "$@" ./...
  echo "== shutdown under load with the race detector"
  go test -count=1 -race -run "^TestCloseUnderLoad$" "$@" ./cmd/artnetd/
  if [ -n "${ARTNET_TEST_POSTGRES:-}" ]; then
    echo "== end-to-end HTTP suite on PostgreSQL"
    ARTNET_TEST_E2E_DB=postgres go test -count=1 "$@" ./internal/httpapi/
  fi' test.sh "$@"
