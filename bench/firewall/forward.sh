#!/usr/bin/env bash
# Forwarding cost of the nftables driver's table: new TCP connections per
# second (and, with iperf3, one flow's throughput) from a client network
# namespace to a server namespace through a gateway namespace, with no
# table, an empty table, and rulesets of 10, 100 and 1,000 rules, in the
# same run; prints a table with ratios against the empty table. Traffic
# stays inside namespaces made for the run, which are deleted afterwards.
#
#   bench/firewall/forward.sh                    # 5 rounds of 2 s per case
#   DURATION=5s ROUNDS=5 WORKERS=2 bench/firewall/forward.sh
#
# Needs root and Go; installs iproute2 and iperf3 with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PATH:/usr/sbin:/sbin

need() { # need BINARY PACKAGE
	command -v "$1" >/dev/null 2>&1 && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing $2 ..." >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null; } || true
	fi
	command -v "$1" >/dev/null 2>&1 || echo "missing $1 (Debian package $2)" >&2
}
need ip iproute2
need iperf3 iperf3
command -v ip >/dev/null || exit 1

bin=$(mktemp /tmp/fwforward.XXXXXX)
trap 'rm -f "$bin"' EXIT
go build -o "$bin" ./bench/firewall/forward
timeout 600 "$bin" -duration "${DURATION:-2s}" -rounds "${ROUNDS:-5}" -workers "${WORKERS:-4}"
