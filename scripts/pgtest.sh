#!/usr/bin/env bash
# pgtest.sh — run a command against a throwaway PostgreSQL cluster.
#
# Usage: scripts/pgtest.sh COMMAND [ARG...]
#   e.g. scripts/pgtest.sh go test ./internal/store/...
#
# Starts a private cluster (initdb in a temp dir, listening only on
# 127.0.0.1 at a free high port, trust auth, fsync off), creates the role
# "artnet" and the database "artnet_test", runs COMMAND with
#   ARTNET_TEST_POSTGRES=postgres://artnet@127.0.0.1:PORT/artnet_test?sslmode=disable
# exported, then stops the cluster and deletes it, also when COMMAND fails
# or the script is interrupted. The exit status is COMMAND's.
#
# PostgreSQL binaries are looked for in $PG_BINDIR, /usr/lib/postgresql/*/bin
# (newest first) and on PATH. If none are found and we are root with
# apt-get, the postgresql package is installed; if that fails too, COMMAND
# runs without ARTNET_TEST_POSTGRES (the PostgreSQL tests then skip).
# As root, the cluster runs as the "postgres" user (initdb refuses root).
set -euo pipefail

log() { printf 'pgtest: %s\n' "$*" >&2; }

if [ $# -eq 0 ]; then
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
fi

find_bindir() {
	local d c
	local candidates=()
	[ -n "${PG_BINDIR:-}" ] && candidates+=("$PG_BINDIR")
	# Newest major version first.
	while IFS= read -r d; do candidates+=("$d"); done < <(
		ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin 2>/dev/null | sort -Vr || true)
	if c=$(command -v initdb 2>/dev/null); then
		candidates+=("$(dirname "$(readlink -f "$c")")" "$(dirname "$c")")
	fi
	for d in "${candidates[@]}"; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

skip_run() {
	log "================================================================"
	log "SKIP: no PostgreSQL binaries; PostgreSQL tests will be skipped"
	log "================================================================"
	unset ARTNET_TEST_POSTGRES
	exec "$@"
}

is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

if ! bindir=$(find_bindir); then
	if $is_root && command -v apt-get >/dev/null 2>&1; then
		log "no PostgreSQL binaries found; installing the postgresql package"
		export DEBIAN_FRONTEND=noninteractive
		if ! apt-get install -y postgresql >&2; then
			apt-get update >&2 && apt-get install -y postgresql >&2 || true
		fi
	fi
	bindir=$(find_bindir) || skip_run "$@"
fi

# Who runs the server: initdb and postgres refuse to run as root.
if $is_root; then
	if ! id -u postgres >/dev/null 2>&1; then
		log "running as root but there is no 'postgres' user to run the cluster"
		skip_run "$@"
	fi
	as_pg() {
		if command -v runuser >/dev/null 2>&1; then
			(cd "$tmp" && runuser -u postgres -- "$@")
		else
			(cd "$tmp" && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
		fi
	}
else
	as_pg() { (cd "$tmp" && "$@"); }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/artnet-pgtest.XXXXXX")
started=false
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if $started; then
		as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

$is_root && chown postgres: "$tmp"
chmod 700 "$tmp"

as_pg "$bindir/initdb" -D "$tmp/data" -U artnet --auth=trust -E UTF8 --locale=C --no-sync \
	>"$tmp/initdb.log" 2>&1 || {
	cat "$tmp/initdb.log" >&2
	log "initdb failed"
	exit 1
}

port_free() {
	local p=$1
	if command -v ss >/dev/null 2>&1 && ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
		return 1
	fi
	# A successful connect means someone listens there.
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		return 1
	fi
	return 0
}

port=
for attempt in 1 2 3 4 5 6 7 8; do
	p=$((20000 + RANDOM % 40000))
	port_free "$p" || continue
	if as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $p -c unix_socket_directories=$tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null; then
		port=$p
		started=true
		break
	fi
	log "cluster did not start on port $p (attempt $attempt):"
	tail -n 5 "$tmp/server.log" >&2 || true
done
if [ -z "$port" ]; then
	log "could not start PostgreSQL"
	exit 1
fi

# The superuser "artnet" exists (initdb -U); create its database.
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U artnet artnet_test

export ARTNET_TEST_POSTGRES="postgres://artnet@127.0.0.1:$port/artnet_test?sslmode=disable"
log "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') running; ARTNET_TEST_POSTGRES=$ARTNET_TEST_POSTGRES"

# Run COMMAND as a child and wait for it, so that a signal to this script
# is handled at once (bash runs traps only between commands): the signal is
# passed on to COMMAND and the cluster is removed when it has exited.
# stdin is passed explicitly (an asynchronous command would get /dev/null).
"$@" <&0 &
child=$!
on_signal() {
	kill -s "$1" "$child" 2>/dev/null || true
	wait "$child" 2>/dev/null || true
	exit "$2"
}
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
set +e
wait "$child"
rc=$?
set -e
exit "$rc"
