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
#                    BENCH_RPS, BENCH_P50_MS, BENCH_P99_MS, BENCH_NON2XX, BENCH_SOCKERR,
#                    BENCH_REQUESTS.
# bench_wrk_requests LABEL BASE FILE [THREADS CONNECTIONS]
#                    the same with bench/wrk/requests.lua: the GET requests listed in FILE
#                    (one "PATH" or "PATH<TAB>TOKEN" a line, sent in turn, with a bearer token
#                    when given) against BASE; -t2 -c32 unless given (-t1 -c1: latency of one
#                    request after another).
# bench_requests_file FILE [TOKEN] PATH...
#                    writes such a file (mode 600), every path with the same token.
# bench_cli ARGS...  runs build-bench/lgvo-api on the benchmark's database (user add, client add).
# bench_client PRINCIPAL ROLE [AREA...]
#                    `lgvo-api client add`; prints "CLIENT_ID CLIENT_SECRET".
# bench_user PRINCIPAL USERNAME ROLE [AREA...]
#                    `lgvo-api user add` with a random password; prints the password.
# bench_token_client ID SECRET / bench_token_password USERNAME PASSWORD
#                    POST /api/v1/auth/token (client_credentials / password); prints the token.
# bench_post LABEL PATH TOKEN FILE
#                    POSTs FILE (JSON) with a bearer token, timed by curl; sets BENCH_HTTP,
#                    BENCH_MS, BENCH_RESPONSE (the answer's file); fails unless HTTP 200.
# bench_psql [psql args...]
#                    psql as the superuser on the benchmark's database (SQL on stdin or -c).
# bench_track_pid PID / bench_stop_pid PID
#                    another process of the benchmark (e.g. a peer server) that the EXIT trap
#                    stops (SIGTERM, then waits) before the server and PostgreSQL / stop it now.
# bench_seconds DURATION
#                    BENCH_DURATION-style durations (10s, 1m) in seconds (for pgbench -T).
# bench_proc_kib PID FIELD
#                    a memory figure from /proc/PID/status in KiB (VmRSS, VmHWM).
# bench_cpu_ms PID   user + system CPU time of a process so far, in ms.
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
bench_extra_pids=()
BENCH_BASE=""
BENCH_LUA=$LGVO_ROOT/bench/wrk/requests.lua

bench_cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${bench_extra_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    bench_extra_pids=()
    bench_server_stop
    if [ -n "$bench_work" ]; then
        "$LGVO_ROOT/scripts/lib/pg-cluster" stop "$bench_work/pg" || true
        rm -rf "$bench_work"
    fi
    exit "$status"
}

# bench_setup [PACKAGE...]: the extra Debian packages a script needs (e.g. jq).
# shellcheck disable=SC2120 # the packages are optional
bench_setup() {
    local packages=(wrk curl postgresql-15 postgresql-client-15 "$@")
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

# bench_wrk_run LABEL URL THREADS CONNECTIONS [wrk options...] [-- script args...]: a warm-up,
# then the measured run; parses wrk's own report (the Lua script, if any, prints nothing).
bench_wrk_run() {
    local label=$1 url=$2 threads=$3 conns=$4 out opts=() rest=()
    shift 4
    while (($#)) && [ "$1" != -- ]; do opts+=("$1"); shift; done
    (($#)) && rest=("$@") # wrk wants the URL before "--" and the script's arguments
    if [ "$BENCH_WARMUP" != 0 ]; then
        wrk -t"$threads" -c"$conns" -d"$BENCH_WARMUP" "${opts[@]}" "$url" "${rest[@]}" >/dev/null
    fi
    out=$(wrk -t"$threads" -c"$conns" -d"$BENCH_DURATION" --latency "${opts[@]}" "$url" "${rest[@]}")
    printf '## %s\n%s\n' "$label" "$out" >>"$bench_work/wrk.log"
    BENCH_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
    BENCH_P50_MS=$(bench_to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    BENCH_P99_MS=$(bench_to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    # shellcheck disable=SC2034 # read by the scripts
    BENCH_REQUESTS=$(awk '/requests in/ { print $1 }' <<<"$out")
    BENCH_NON2XX=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    BENCH_NON2XX=${BENCH_NON2XX:-0}
    BENCH_SOCKERR=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    BENCH_SOCKERR=${BENCH_SOCKERR:-0}
    if [ -z "$BENCH_RPS" ] || [ -z "$BENCH_P99_MS" ] || [ "$BENCH_P99_MS" = "?" ]; then
        printf '%s\n' "$out" >&2
        die "cannot read wrk's output"
    fi
    printf 'bench: %-40s %8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  socket errors %s\n' \
        "$label" "$BENCH_RPS" "$BENCH_P50_MS" "$BENCH_P99_MS" "$BENCH_NON2XX" "$BENCH_SOCKERR" >&2
}

bench_wrk() {
    local path=$1
    bench_wrk_run "GET $path" "$BENCH_BASE$path" "$BENCH_WRK_THREADS" "$BENCH_CONNECTIONS"
}

bench_wrk_requests() {
    local label=$1 base=$2 file=$3 threads=${4:-$BENCH_WRK_THREADS} conns=${5:-$BENCH_CONNECTIONS}
    bench_wrk_run "$label" "$base" "$threads" "$conns" -s "$BENCH_LUA" -- "$file"
}

# Tokens go into files, never on a command line (other users of the machine can read argv).
bench_requests_file() {
    local file=$1 token=$2 path
    shift 2
    (
        umask 077
        : >"$file"
        for path in "$@"; do
            if [ -n "$token" ]; then printf '%s\t%s\n' "$path" "$token"; else printf '%s\n' "$path"; fi
        done >>"$file"
    )
}

bench_cli() {
    env LGVO_DATABASE_URL="$bench_db_url" LGVO_LOG_LEVEL=warn "$BENCH_BIN" "$@"
}

bench_client() {
    local principal=$1 role=$2 area out args=()
    shift 2
    for area in "$@"; do args+=(--area "$area"); done
    out=$(bench_cli client add --principal "$principal" --name "bench $principal $role" --role "$role" "${args[@]}" </dev/null) ||
        die "lgvo-api client add --principal $principal failed"
    jq -er '"\(.client_id) \(.client_secret)"' <<<"$out" || die "client add printed no client: $out"
}

bench_user() {
    local principal=$1 username=$2 role=$3 area password args=()
    shift 3
    for area in "$@"; do args+=(--area "$area"); done
    password="bench-$(random_secret)"
    printf '%s\n' "$password" | bench_cli user add --principal "$principal" --username "$username" \
        --role "$role" "${args[@]}" --password-stdin >/dev/null || die "lgvo-api user add $username failed"
    printf '%s\n' "$password"
}

# bench_token FORM_FIELDS...: name=value pairs, URL-encoded into a file for curl (not argv).
bench_token() {
    local form=$bench_work/token-form out
    (
        umask 077
        jq -jn --args '$ARGS.positional | map(split("=") | "\(.[0])=\(.[1:] | join("=") | @uri)") | join("&")' \
            "$@" >"$form"
    )
    out=$(curl -sS -X POST "$BENCH_BASE/api/v1/auth/token" -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-binary @"$form") || die "POST /api/v1/auth/token failed"
    rm -f "$form"
    jq -er .access_token <<<"$out" || die "no access token: $out"
}

bench_token_client() {
    bench_token grant_type=client_credentials "client_id=$1" "client_secret=$2"
}

bench_token_password() {
    bench_token grant_type=password "username=$1" "password=$2"
}

bench_post() {
    local label=$1 path=$2 token=$3 file=$4 headers=$bench_work/post-headers out
    BENCH_RESPONSE=$bench_work/response.json
    (
        umask 077
        printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$token" >"$headers"
    )
    out=$(curl -sS -o "$BENCH_RESPONSE" -w '%{http_code} %{time_total}' -X POST "$BENCH_BASE$path" \
        -H @"$headers" --data-binary @"$file") || die "$label: curl failed"
    BENCH_HTTP=${out%% *}
    BENCH_MS=$(awk -v s="${out#* }" 'BEGIN { printf "%.1f", s * 1000 }')
    if [ "$BENCH_HTTP" != 200 ]; then
        head -c 2000 "$BENCH_RESPONSE" >&2
        echo >&2
        die "$label: HTTP $BENCH_HTTP"
    fi
    printf 'bench: %-40s HTTP %s  %8s ms\n' "$label" "$BENCH_HTTP" "$BENCH_MS" >&2
}

bench_psql() {
    psql -qX -h 127.0.0.1 -p "$bench_pg_port" -U postgres -d lgvo -v ON_ERROR_STOP=1 "$@"
}

bench_track_pid() {
    bench_extra_pids+=("$1")
}

# bench_stop_pid PID: stops a tracked process now (SIGTERM, then waits) and forgets it, so the
# EXIT trap never signals a PID that may since belong to someone else.
bench_stop_pid() {
    local pid=$1 keep=() p
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${bench_extra_pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    bench_extra_pids=("${keep[@]}")
}

# wrk's duration (10s, 2m, 1h, or plain seconds) in seconds, for tools that want seconds.
bench_seconds() {
    local d=$1
    case "$d" in
    *s) echo "${d%s}" ;;
    *m) echo $((${d%m} * 60)) ;;
    *h) echo $((${d%h} * 3600)) ;;
    *) echo "$d" ;;
    esac
}

bench_proc_kib() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# Fields 14 and 15 of /proc/PID/stat (utime, stime) in clock ticks; the command name (field 2)
# may contain spaces, so count from the closing parenthesis.
bench_cpu_ms() {
    local stat ticks
    stat=$(cat "/proc/$1/stat")
    stat=${stat##*) }
    ticks=$(getconf CLK_TCK)
    awk -v s="$stat" -v t="$ticks" 'BEGIN { split(s, f, " "); printf "%.0f", (f[12] + f[13]) * 1000 / t }'
}

# One header line for the tables: date, cores, wrk settings.
bench_header() {
    printf '%s, nproc=%s, wrk -t%s -c%s -d%s --latency (after a %s warm-up), 127.0.0.1\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$BENCH_WRK_THREADS" \
        "$BENCH_CONNECTIONS" "$BENCH_DURATION" "$BENCH_WARMUP"
}
