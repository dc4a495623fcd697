#!/usr/bin/env bash
# DNS benchmark: internal/dnsd against Knot DNS, same zone, same dnsperf
# query mix, on 127.0.0.1 only, bounded in time.
#
#   bench/dns/run.sh                       # 10 s per phase, defaults below
#   DURATION=20 RATE=30000 bench/dns/run.sh
#
# The servers: Knot DNS, dnsd (internal/dnsd's own UDP loop and answer
# cache), and, as the baseline, dnsd's answers served by a plain miekg
# dns.Server (UDP). For each it prints qps, average latency and the server's CPU time
# per answered query (utime+stime of the server process from /proc/PID/stat,
# before and after the run, divided by the queries dnsperf saw answered), in
# two phases: a fixed rate (RATE qps, the same load for both) and as fast as
# dnsperf can send (CLIENTS sockets, OUTSTANDING queries in flight). Then
# ours/Knot ratios, the memory per record of a 1,000,000-record zone
# loaded into dnsd (heap in use after GC / records), and the edit-to-answer
# time: artnetd's pieces in-process (SQLite, panel, HTTP API, zonesync,
# dnsd), EDITS changes of one A record through POST
# /api/dns/edit-primary-records, each followed by UDP queries until the new
# address is answered (p50/p99/max from the call's return and from its
# start), for a small zone, a 1,000-record zone, and a small zone beside
# 100,000 records in other zones.
#
# Needs root or the packages dnsperf and knot (installed with apt-get when
# missing), and Go.
set -euo pipefail

DURATION=${DURATION:-10}       # seconds per dnsperf run
RATE=${RATE:-20000}            # queries per second of the fixed-rate phase
CLIENTS=${CLIENTS:-4}          # dnsperf sockets (SO_REUSEPORT spreads them over workers)
OUTSTANDING=${OUTSTANDING:-200}
RECORDS=${RECORDS:-1000}       # records in the benchmark zone
MEM_RECORDS=${MEM_RECORDS:-1000000}
EDITS=${EDITS:-500}            # API edits per edit-to-answer case
EDIT_OTHER_ZONES=${EDIT_OTHER_ZONES:-1000,10000} # the 100,000 other records spread over this many zones (one case each)
DNSD_ARGS=${DNSD_ARGS:-}      # extra flags for "dnsbench serve", e.g. -udp-workers 1
DNSSEC=${DNSSEC:-0}            # 1: the zone signed (Knot: its own signing, KSK+ZSK ECDSA, NSEC), queries with DO
ORIGIN=bench.test.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

need() { # need BINARY PACKAGE
	command -v "$1" >/dev/null 2>&1 && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing $2 ..." >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >/dev/null; }
	fi
	command -v "$1" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$1" >/dev/null 2>&1 ||
		{ echo "missing $1 (Debian package $2)" >&2; exit 1; }
}
export PATH=$PATH:/usr/sbin
need dnsperf dnsperf
need knotd knot
need dig dnsutils

work=$(mktemp -d /tmp/dnsbench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

echo "building dnsbench ..." >&2
(cd "$root" && go build -o "$work/dnsbench" ./bench/dns/)
"$work/dnsbench" gen -origin "$ORIGIN" -records "$RECORDS" -zone "$work/bench.zone" -queries "$work/queries.txt"

# Free ports for the servers.
knot_port=$("$work/dnsbench" port)
ours_port=$("$work/dnsbench" port)
while [ "$ours_port" = "$knot_port" ]; do ours_port=$("$work/dnsbench" port); done
miekg_port=$("$work/dnsbench" port)
while [ "$miekg_port" = "$knot_port" ] || [ "$miekg_port" = "$ours_port" ]; do miekg_port=$("$work/dnsbench" port); done

mkdir -p "$work/knot/run" "$work/knot/db"
cat >"$work/knot/knot.conf" <<EOF
server:
    rundir: "$work/knot/run"
    listen: 127.0.0.1@$knot_port
log:
  - target: stderr
    any: warning
database:
    storage: "$work/knot/db"
    journal-db-max-size: 64M
    timer-db-max-size: 16M
    kasp-db-max-size: 16M
    catalog-db-max-size: 16M
template:
  - id: default
    storage: "$work"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: $ORIGIN
    file: "$work/bench.zone"
EOF
serve_flags=() perf_flags=() mem_flags=() target=1.5
if [ "$DNSSEC" = 1 ]; then
	# Knot signs the same zone itself: ECDSAP256SHA256, a KSK and a ZSK,
	# NSEC, as ours.
	cat >>"$work/knot/knot.conf" <<EOF
    dnssec-signing: on
    dnssec-policy: bench
EOF
	sed -i -e 's/^    journal-content: none$/    journal-content: changes/' \
		-e 's/^template:$/policy:\n  - id: bench\n    algorithm: ecdsap256sha256\n    nsec3: off\ntemplate:/' "$work/knot/knot.conf"
	serve_flags=(-dnssec) perf_flags=(-D) mem_flags=(-dnssec) target=1.0
	MEM_RECORDS=${MEM_RECORDS_DNSSEC:-200000}
fi
knotd -c "$work/knot/knot.conf" 2>"$work/knot.log" &
knot_pid=$!
pids+=("$knot_pid")
# shellcheck disable=SC2086
"$work/dnsbench" serve "${serve_flags[@]}" -origin "$ORIGIN" -zone "$work/bench.zone" -listen "127.0.0.1:$ours_port" $DNSD_ARGS 2>"$work/ours.log" &
ours_pid=$!
pids+=("$ours_pid")
# The baseline: the same answers from a plain miekg dns.Server (UDP only).
"$work/dnsbench" serve "${serve_flags[@]}" -miekg -origin "$ORIGIN" -zone "$work/bench.zone" -listen "127.0.0.1:$miekg_port" 2>"$work/miekg.log" &
miekg_pid=$!
pids+=("$miekg_pid")

ready_re="IN.SOA.*2024010101"
[ "$DNSSEC" = 1 ] && ready_re="IN.RRSIG.SOA"
wait_ready() { # wait_ready PORT NAME
	for _ in $(seq 100); do
		if dig @127.0.0.1 -p "$1" +dnssec +time=1 +tries=1 SOA "$ORIGIN" 2>/dev/null | grep -q "$ready_re"; then return; fi
		sleep 0.1
	done
	echo "$2 does not answer on port $1" >&2
	cat "$work/knot.log" "$work/ours.log" "$work/miekg.log" >&2
	exit 1
}
wait_ready "$knot_port" Knot
wait_ready "$ours_port" dnsd
wait_ready "$miekg_port" miekg

cpu_ticks() { # utime+stime of PID in clock ticks
	awk '{print $14 + $15}' "/proc/$1/stat"
}
hz=$(getconf CLK_TCK)

# run NAME PID PORT PHASE DNSPERF_ARGS...: prints one result line and
# records the CPU µs/query in cpu_NAME_PHASE.
declare -A cpu qps lat
run() {
	local name=$1 pid=$2 port=$3 phase=$4
	shift 4
	local before after out completed
	before=$(cpu_ticks "$pid")
	out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$DURATION" -e -c "$CLIENTS" -q "$OUTSTANDING" "${perf_flags[@]}" "$@" 2>&1)
	after=$(cpu_ticks "$pid")
	completed=$(echo "$out" | awk '/Queries completed:/ {print $3}')
	qps[$name.$phase]=$(echo "$out" | awk '/Queries per second:/ {printf "%.0f", $4}')
	lat[$name.$phase]=$(echo "$out" | awk '/Average Latency/ {printf "%.1f", $4 * 1e6}')
	local lost
	lost=$(echo "$out" | awk '/Queries lost:/ {print $3}')
	if [ -z "$completed" ] || [ "$completed" = 0 ]; then
		echo "$out" >&2
		echo "no query answered by $name" >&2
		exit 1
	fi
	cpu[$name.$phase]=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$completed" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
	printf '%-6s %-10s answered %9d  lost %6s  qps %8s  avg latency %7s µs  server CPU %6s µs/query\n' \
		"$name" "$phase" "$completed" "$lost" "${qps[$name.$phase]}" "${lat[$name.$phase]}" "${cpu[$name.$phase]}"
}

echo
echo "zone: $RECORDS records; query mix: $(wc -l <"$work/queries.txt") queries (70% data of 5 types, 15% NXDOMAIN, 15% NODATA), EDNS on"
if [ "$DNSSEC" = 1 ]; then echo "DNSSEC: the zone signed by each server (KSK+ZSK ECDSAP256SHA256, NSEC), every query with DO"; fi
echo "phases: ${DURATION}s each; fixed = $RATE qps; max = as fast as dnsperf goes ($CLIENTS clients, $OUTSTANDING outstanding)"
echo "machine: $(nproc) CPUs; servers and dnsperf share them"
echo
for phase in fixed max; do
	args=()
	[ "$phase" = fixed ] && args=(-Q "$RATE")
	run knot "$knot_pid" "$knot_port" "$phase" "${args[@]}"
	run dnsd "$ours_pid" "$ours_port" "$phase" "${args[@]}"
	run miekg "$miekg_pid" "$miekg_port" "$phase" "${args[@]}"
done
echo
for phase in fixed max; do
	awk -v o="${cpu[dnsd.$phase]}" -v k="${cpu[knot.$phase]}" -v m="${cpu[miekg.$phase]}" -v p="$phase" -v target="$target" \
		'BEGIN {printf "%-6s CPU per query ours/Knot = %.2f  (%s / %s µs; target <= %s)   plain miekg/Knot = %.2f (%s µs)\n", p, o / k, o, k, target, m / k, m}'
done
echo
"$work/dnsbench" mem "${mem_flags[@]}" -records "$MEM_RECORDS"
echo
if [ "$DNSSEC" = 1 ]; then exit 0; fi # the edit-to-answer time does not depend on signing
"$work/dnsbench" edit -n "$EDITS" -other-zones "$EDIT_OTHER_ZONES" -other-records 100000 -max-time 10m -dir "$work"
