#!/usr/bin/env bash
# A throwaway PostgreSQL cluster (Debian's postgresql package) for the tests and benchmarks, in a directory of its own.
#   scripts/postgres-cluster.sh start DIR [postgres settings...]   prints the superuser connection string
#   scripts/postgres-cluster.sh stop DIR                           stops it and deletes DIR
#   scripts/postgres-cluster.sh kill DIR                           stops it at once (as a crash would), keeps DIR
#   scripts/postgres-cluster.sh resume DIR                         starts a killed or stopped cluster again, same port
# As root, the cluster runs as the package's postgres user (initdb refuses root).
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -euo pipefail
command=${1:?start or stop}; dir=${2:?directory}; shift 2
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then echo "PostgreSQL is not installed (apt-get install postgresql)." >&2; exit 1; fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $command in
  start)
    # The socket directory is quoted for pg_ctl's shell below: a quote in it would end the quoting.
    case $dir in *\'*) echo "The cluster's directory must not contain a single quote: $dir" >&2; exit 2 ;; esac
    # A directory made here is removed again if the start fails, so a failed start leaves nothing behind.
    made=""; [ -e "$dir" ] || made=1
    # (A server pg_ctl gave up waiting for may still be coming up: stopped first.)
    trap '[ -n "$made" ] && [ "${started:-}" != 1 ] && { [ -d "$dir/data" ] && as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"; }' EXIT
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    port=""
    # Below the kernel's ephemeral range (32768 by default): a port there may be a client socket's own local port, which
    # nothing listens on, so the probe below saw it free and the server's bind failed (a CI run, 2026-12-07).
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "${low:-0}" -gt 21000 ] 2>/dev/null || low=32768
    for _ in $(seq 1 50); do
      candidate=$((20000 + RANDOM % (low - 20000)))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    done
    if [ -z "$port" ]; then echo "No free port for PostgreSQL." >&2; exit 1; fi
    as_owner "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Kept for resume: the same port and settings, so clients' connection strings stay valid.
    # pg_ctl hands -o to a shell: the socket directory is quoted, so a path with spaces stays one argument.
    options="-p $port -k '$dir' -c listen_addresses=127.0.0.1 $*"
    printf '%s\n' "$options" >"$dir/server.options"
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$options" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    started=1
    echo "Host=127.0.0.1;Port=$port;Username=postgres"
    ;;
  kill)
    # Immediate mode: every backend ends at once and clients' connections break, as when the server crashes.
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  resume)
    if [ ! -f "$dir/server.options" ]; then echo "No cluster started by this script in $dir." >&2; exit 1; fi
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/server.options")" start >/dev/null \
      || { tail -n 20 "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    # Only a directory this script made a cluster in (its initdb log is there): never any other path given by mistake.
    if [ ! -e "$dir" ]; then exit 0; fi
    if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then rmdir "$dir"; exit 0; fi
    if [ ! -f "$dir/initdb.log" ]; then echo "No cluster started by this script in $dir; not deleting it." >&2; exit 1; fi
    if [ -d "$dir/data" ]; then as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop|kill|resume DIR" >&2; exit 2 ;;
esac
