# shellcheck shell=bash
# bench/lib.sh — shared by the benchmark scripts in bench/. Source it; nothing runs on its own.
#
# bench_setup        installs missing Debian packages (as root; wrk among them), builds
#                    build-bench/ (Release) unless BENCH_NO_BUILD=1, starts a private
#                    PostgreSQL 15 cluster on a free 127.0.0.1 port (scripts/lib/pg-cluster)
#                    with role and database lgvo, and sets the EXIT trap that removes it all.
# bench_server_start [VAR=value...]
#                    starts build-bench/lgvo-api serve on a free 127.0.0.1 port with
#                    LGVO_LOG_LEVEL=warn and the given LGVO_* settings, and waits for
#                    GET /health/ready. Sets BENCH_BASE (http://127.0.0.1:PORT).
# bench_server_stop  stops it (SIGTERM, then waits).
# bench_wrk PATH     runs `wrk -t2 -c32 -d$BENCH_DURATION --latency` on BENCH_BASE/PATH after
#                    a short warm-up, prints one line (requests/s, p99 from wrk's latency
#                    distribution, non-2xx answers, socket errors) on stderr and sets
#                    BENCH_RPS, BENCH_P99_MS, BENCH_NON2XX, BENCH_SOCKERR.
#
# Environment: BENCH_DURATION (wrk's -d, default 10s), BENCH_WARMUP (default 2s; 0 = none),
# BENCH_NO_BUILD=1 (use build-bench/lgvo-api as it is). Every address is on 127.0.0.1.

# shellcheck source=scripts/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/lib/common.sh"

BENCH_DURATION=${BENCH_DURATION:-10s}
BENCH_WARMUP=${BENCH_WARMUP:-2s}
BENCH_WRK_THREADS=2
BENCH_CONNECTIONS=32
BENCH_BIN=$LGVO_ROOT/build-bench/lgvo-api

[[ $BENCH_DURATION =~ ^[1-9][0-9]*[smh]?$ ]] ||
    die "BENCH_DURATION=$BENCH_DURATION: expected a duration for wrk such as 10s, 30s or 1m"
[[ $BENCH_WARMUP =~ ^[0-9]+[smh]?$ ]] ||
    die "BENCH_WARMUP=$BENCH_WARMUP: expected a duration such as 2s, or 0 for none"

# The server under test sees only the settings a benchmark passes, not the caller's LGVO_*.
while read -r v; do unset "$v"; done < <(compgen -e | grep '^LGVO_' || true)

bench_work=""
bench_pg_port=""
bench_db_url=""
bench_server_pid=""
BENCH_BASE=""

bench_cleanup() {
    local status=$?
    trap - EXIT INT TERM
    bench_server_stop
    if [ -n "$bench_work" ]; then
        "$LGVO_ROOT/scripts/lib/pg-cluster" stop "$bench_work/pg" || true
        rm -rf "$bench_work"
    fi
    exit "$status"
}

bench_setup() {
    local packages=(wrk curl postgresql-15 postgresql-client-15)
    [ "${BENCH_NO_BUILD:-0}" = 1 ] || packages+=("${BUILD_PACKAGES[@]}")
    command -v node >/dev/null 2>&1 || packages+=(nodejs) # free_port asks the kernel via node
    ensure_packages "${packages[@]}"

    if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
        log "building build-bench/ (Release)"
        cmake_build "$LGVO_ROOT/build-bench" Release -DBUILD_TESTING=OFF
    fi
    [ -x "$BENCH_BIN" ] || die "$BENCH_BIN is missing (build it, or unset BENCH_NO_BUILD)"

    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    bench_work=$(mktemp -d /tmp/lgvo-bench.XXXXXX)
    chmod 755 "$bench_work" # as root the cluster runs as the postgres user
    bench_pg_port=$(free_port)
    log "starting a private PostgreSQL 15 on 127.0.0.1:$bench_pg_port"
    "$LGVO_ROOT/scripts/lib/pg-cluster" init "$bench_work/pg" "$bench_pg_port"
    "$LGVO_ROOT/scripts/lib/pg-cluster" start "$bench_work/pg"
    psql -qX -h 127.0.0.1 -p "$bench_pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        >/dev/null <<'SQL'
CREATE ROLE lgvo LOGIN;
CREATE DATABASE lgvo OWNER lgvo ENCODING 'UTF8' TEMPLATE template0;
SQL
    bench_db_url="postgresql://lgvo@127.0.0.1:$bench_pg_port/lgvo"
}

bench_server_start() {
    local port deadline
    port=$(free_port)
    BENCH_BASE="http://127.0.0.1:$port"
    env LGVO_LISTEN="127.0.0.1:$port" LGVO_DATABASE_URL="$bench_db_url" LGVO_LOG_LEVEL=warn \
        "$@" "$BENCH_BIN" serve >>"$bench_work/server.log" 2>&1 &
    bench_server_pid=$!
    deadline=$((SECONDS + 30))
    until curl -fsS -o /dev/null "$BENCH_BASE/health/ready" 2>/dev/null; do
        if ! kill -0 "$bench_server_pid" 2>/dev/null; then
            tail -20 "$bench_work/server.log" >&2
            bench_server_pid=""
            die "the server exited during start-up"
        fi
        ((SECONDS < deadline)) || { tail -20 "$bench_work/server.log" >&2; die "the server was not ready within 30 s"; }
        sleep 0.2
    done
}

bench_server_stop() {
    [ -n "$bench_server_pid" ] || return 0
    kill -TERM "$bench_server_pid" 2>/dev/null || true
    wait "$bench_server_pid" 2>/dev/null || true
    bench_server_pid=""
}

# wrk prints latencies as 812.00us, 3.90ms, 1.02s or 1.50m; this gives milliseconds.
bench_to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        else if (u != "ms") { print "?"; exit }
        printf "%.2f", n }'
}

bench_wrk() {
    local path=$1 url out
    url="$BENCH_BASE$path"
    if [ "$BENCH_WARMUP" != 0 ]; then
        wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_WARMUP" "$url" >/dev/null
    fi
    out=$(wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" --latency "$url")
    printf '%s\n' "$out" >>"$bench_work/wrk.log"
    BENCH_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
    BENCH_P99_MS=$(bench_to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    BENCH_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    BENCH_NON2XX=${BENCH_NON2XX:-0}
    BENCH_SOCKERR=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    BENCH_SOCKERR=${BENCH_SOCKERR:-0}
    if [ -z "$BENCH_RPS" ] || [ -z "$BENCH_P99_MS" ] || [ "$BENCH_P99_MS" = "?" ]; then
        printf '%s\n' "$out" >&2
        die "cannot read wrk's output"
    fi
    printf 'bench: GET %-22s %8s req/s  p99 %7s ms  non-2xx %s  socket errors %s\n' \
        "$path" "$BENCH_RPS" "$BENCH_P99_MS" "$BENCH_NON2XX" "$BENCH_SOCKERR" >&2
}

# One header line for the tables: date, cores, wrk settings.
bench_header() {
    printf '%s, nproc=%s, wrk -t%s -c%s -d%s --latency (after a %s warm-up), 127.0.0.1\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$BENCH_WRK_THREADS" \
        "$BENCH_CONNECTIONS" "$BENCH_DURATION" "$BENCH_WARMUP"
}
