#!/usr/bin/env bash
# bench/series.sh — the authenticated series read against a Node.js peer and PostgreSQL itself.
# Data: ten years (2015-01…2024-12) of the five monthly share measures the region reports on
# behalf of the municipalities × 13 municipalities × T/K/M (23,400 values), pushed through
# POST /api/v1/values. Each municipality has a reader client; wrk (-t2 -c32, through
# bench/wrk/requests.lua) cycles through the 65 reads "measure × municipality", each with that
# municipality's token:
#   ours   GET /api/v1/measures/{slug}/series?principal={slug}: the 120 points and the county
#          total of each month (an aggregate over the 13 municipalities), as JSON; once with the
#          read cache off (LGVO_READ_CACHE_SIZE=0: every request queries PostgreSQL), once with
#          the defaults (answers kept per data version).
#   peer   ../shared/bench/peer-node (fastify + pg + fast-jwt, HS256 tokens, one query per
#          request: the last 12 values of a principal and measure) on a table data_values
#          (principal_id, measure_id, period, value) filled from the same values (sex T), in a
#          database of its own on the same PostgreSQL; with 1 and with 2 worker processes
#          (BENCH_PEER_WORKERS). Skipped with a message when that directory is missing or its
#          npm ci fails (npm ci runs in a copy under build-bench/peer-node, not in ../shared).
#   pgbench  the database's ceiling: our series query exactly as the server sends it (taken
#          from PostgreSQL's log of one request, checked to return the rows the API returned)
#          and the peer's query, each `pgbench -n -M prepared -c8 -j2 -T…` over the same 65
#          (or 13 × 5) combinations.
# Reports requests/s and p99, and ours / peer (target >= 2.5×). The peer does less per request
# than ours (12 values and no county total), so the ratio is conservative for us.
# Takes about 6 x (BENCH_DURATION + BENCH_WARMUP) plus ~30 s of set-up (plus npm ci the first
# time). wrk, the servers and PostgreSQL share this machine's cores: compare runs on one machine.
# Usage: bench/series.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_NO_BUILD=1,
#        BENCH_PEER_DIR=../shared/bench/peer-node, BENCH_PEER_WORKERS="1 2" optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

MEASURES=(att-aldras.ed-visits-not-admitted att-aldras.readmissions-48h att-aldras.readmissions-30d
    nara-vard.readmissions-48h nara-vard.readmissions-30d)
MONTHS=120
SERVER_SETTINGS=(LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8 LGVO_ACCESS_TOKEN_TTL=3600)
PEER_DIR=${BENCH_PEER_DIR:-$(cd "$LGVO_ROOT/.." && pwd)/shared/bench/peer-node}
PEER_WORKERS=${BENCH_PEER_WORKERS:-1 2}
PGBENCH_CLIENTS=8

rows=()

# ---- data, clients, tokens ----

# Municipalities as "id slug" lines, in the core's order.
municipalities() {
    bench_psql -tAF' ' -c "SELECT id, slug FROM core.principals WHERE kind = 'municipality' ORDER BY sort_order"
}

push_data() {
    local body=$bench_work/series-data.json rows_n=$((${#MEASURES[@]} * 13 * 3 * MONTHS))
    node "$LGVO_ROOT/bench/gen-bodies.mjs" values --municipalities "$(cut -d' ' -f2 <<<"$munis" | paste -sd,)" \
        --from 2015-01 --rows "$rows_n" "${MEASURES[@]}" >"$body"
    bench_post "push $rows_n values (set-up)" /api/v1/values "$region_token" "$body"
    [ "$(jq -r .created "$BENCH_RESPONSE")" = "$rows_n" ] || die "the set-up push did not create $rows_n values"
    bench_psql -qc 'ANALYZE core.values'
}

# One reader client and token per municipality; writes ours' request file (measure-major).
make_our_requests() {
    local slug creds cid secret m
    declare -gA reader_token=()
    while read -r _ slug; do
        creds=$(bench_client "$slug" reader)
        read -r cid secret <<<"$creds"
        reader_token[$slug]=$(bench_token_client "$cid" "$secret")
    done <<<"$munis"
    (
        umask 077
        for m in "${MEASURES[@]}"; do
            while read -r _ slug; do
                printf '/api/v1/measures/%s/series?principal=%s\t%s\n' "$m" "$slug" "${reader_token[$slug]}"
            done <<<"$munis"
        done >"$ours_file"
    )
}

# GET one series as its municipality; prints "points county" counts.
series_counts() {
    local m=$1 slug=$2 out
    out=$(curl -sS -f "$BENCH_BASE/api/v1/measures/$m/series?principal=$slug" \
        -H @<(printf 'Authorization: Bearer %s\n' "${reader_token[$slug]}")) || die "GET series of $m for $slug failed"
    jq -r '"\(.points | length) \(.county | length)"' <<<"$out"
}

# ---- the query, from PostgreSQL's log ----

# Logs every statement for a moment, reads one series (the read cache must be off), and writes
# one pgbench script per measure from the logged statement and its parameters: the
# municipality's id becomes :p (caller and principal alike: each municipality reads its own),
# the measure's id that file's measure.
capture_series_query() {
    local pick_id pick_slug m_id log=$bench_work/pg.log lines_before
    # A two-digit principal id, so that it cannot be mistaken for the other parameters
    # (false, T, NULL, municipality, the unit's scale 1/100/1000) or the measure's id.
    read -r pick_id pick_slug < <(awk '$1 >= 10' <<<"$munis" | head -1)
    m_id=$(bench_psql -tAc "SELECT id FROM core.measures WHERE slug = '${MEASURES[0]}'")
    if [ -z "$pick_id" ] || [ "$pick_id" = "$m_id" ]; then die "no municipality with an id apart from the measure's"; fi
    # pgbench draws :p from a range, so the municipalities' ids must be one.
    awk 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 } END { exit !(hi - lo + 1 == NR) }' <<<"$munis" ||
        die "the municipalities' ids are not contiguous; pgbench's random(lo, hi) would miss some"
    lines_before=$(wc -l <"$log")
    bench_psql -qc 'ALTER SYSTEM SET log_min_duration_statement = 0' -c 'SELECT pg_reload_conf()' >/dev/null
    local tries=0 found=""
    while [ -z "$found" ] && ((tries++ < 25)); do
        sleep 0.2 # the reload reaches the server's connections asynchronously
        series_counts "${MEASURES[0]}" "$pick_slug" >/dev/null
        found=$(tail -n +"$((lines_before + 1))" "$log" | grep -c 'execute [^:]*: SELECT d\.\*, st\.version FROM core\.values_state' || true)
        [ "$found" = 0 ] && found=""
    done
    bench_psql -qc 'ALTER SYSTEM RESET log_min_duration_statement' -c 'SELECT pg_reload_conf()' >/dev/null
    [ -n "$found" ] || die "the series statement did not appear in PostgreSQL's log ($log)"
    tail -n +"$((lines_before + 1))" "$log" >"$bench_work/series-statement.log"
    node --input-type=module - "$bench_work/series-statement.log" "$pick_id" "$m_id" "$bench_work" \
        "$(bench_psql -tAc "SELECT string_agg(id::text, ',') FROM core.measures WHERE slug IN ($(printf "'%s'," "${MEASURES[@]}" | sed 's/,$//'))")" \
        "$(awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "," hi }' <<<"$(sort -n <<<"$munis")")" <<'JS'
import fs from 'node:fs';
const [logFile, pid, mid, dir, measureIds, range] = process.argv.slice(2);
const lines = fs.readFileSync(logFile, 'utf8').split('\n');
const at = lines.findLastIndex((l) => /execute [^:]*: SELECT d\.\*, st\.version FROM core\.values_state/.test(l) && l.includes('SELECT 0 AS part'));
if (at < 0) throw new Error('no series statement in the log');
const sql = lines[at].replace(/^.*?execute [^:]+: /, '');
const detail = lines.slice(at + 1).find((l) => l.includes('DETAIL:  parameters:'));
if (!detail) throw new Error('no parameters logged for the series statement');
const params = {};
for (const m of detail.matchAll(/\$(\d+) = (NULL|'(?:[^']|'')*')/g)) params[m[1]] = m[2];
const uses = { p: 0, m: 0 };
const template = (measure) => sql.replace(/\$(\d+)/g, (_, n) => {
  const v = params[n];
  if (v === undefined) throw new Error(`parameter $${n} was not logged`);
  if (v === `'${pid}'`) { uses.p++; return ':p'; }
  if (v === `'${mid}'`) { uses.m++; return `'${measure}'`; }
  return v;
});
const [lo, hi] = range.split(',');
measureIds.split(',').forEach((id, i) => {
  const q = template(id);
  fs.writeFileSync(`${dir}/series-query-${i}.sql`, `${q};\n`);
  fs.writeFileSync(`${dir}/pgbench-series-${i}.sql`, `\\set p random(${lo}, ${hi})\n${q};\n`);
  fs.writeFileSync(`${dir}/pgbench-peer-${i}.sql`, `\\set p random(${lo}, ${hi})\nSELECT value FROM data_values WHERE principal_id = :p AND measure_id = ${id} ORDER BY period DESC LIMIT 12;\n`);
});
if (uses.p === 0 || uses.m === 0) throw new Error(`the principal (${pid}) or measure (${mid}) was not among the parameters: ${detail}`);
JS
    # The scripts must return what the API returned: the same number of rows (points + county).
    local want got
    want=$(series_counts "${MEASURES[0]}" "$pick_slug" | awk '{ print $1 + $2 }')
    got=$(psql -qXtA -h 127.0.0.1 -p "$bench_pg_port" -U lgvo -d lgvo -v ON_ERROR_STOP=1 -v p="$pick_id" \
        -f "$bench_work/series-query-0.sql" | grep -c . || true)
    [ "$got" = "$want" ] || die "the captured series query returns $got rows, the API $want points"
    log "captured the series statement ($want rows for ${MEASURES[0]}, $pick_slug)"
}

# ---- the peer ----

# The peer's table in a database of its own, filled from the same values (sex T).
make_peer_database() {
    bench_psql -d postgres -qc 'CREATE DATABASE lgvo_peer' >/dev/null
    psql -qX -h 127.0.0.1 -p "$bench_pg_port" -U postgres -d lgvo_peer -v ON_ERROR_STOP=1 -c \
        'CREATE TABLE data_values (principal_id int, measure_id int, period text, value numeric,
                                   PRIMARY KEY (principal_id, measure_id, period))'
    bench_psql -c "COPY (SELECT v.principal_id, v.measure_id, v.period, v.value FROM core.values v
                          WHERE v.sex = 'T') TO STDOUT" |
        psql -qX -h 127.0.0.1 -p "$bench_pg_port" -U postgres -d lgvo_peer -v ON_ERROR_STOP=1 \
            -c 'COPY data_values FROM STDIN' -c 'VACUUM ANALYZE data_values'
}

# Copies the peer into build-bench/peer-node and installs its dependencies there (npm ci, from
# its lockfile) unless they are already installed from the same lockfile. 1 = not available.
prepare_peer() {
    local dest=$LGVO_ROOT/build-bench/peer-node
    if [ ! -f "$PEER_DIR/server.js" ]; then
        peer_skip="$PEER_DIR not found (the peer lives outside this repository; set BENCH_PEER_DIR)"
        return 1
    fi
    if [ ! -f "$PEER_DIR/package-lock.json" ]; then
        peer_skip="$PEER_DIR has no package-lock.json for npm ci"
        return 1
    fi
    command -v npm >/dev/null 2>&1 || ensure_packages npm
    mkdir -p "$dest"
    cp "$PEER_DIR/server.js" "$PEER_DIR/package.json" "$dest/"
    if ! cmp -s "$PEER_DIR/package-lock.json" "$dest/package-lock.json" || [ ! -d "$dest/node_modules" ]; then
        cp "$PEER_DIR/package-lock.json" "$dest/"
        log "npm ci in build-bench/peer-node"
        if ! (cd "$dest" && npm ci --omit=dev --no-audit --no-fund >"$bench_work/npm.log" 2>&1); then
            tail -5 "$bench_work/npm.log" >&2
            rm -f "$dest/package-lock.json" # try again next time
            peer_skip="npm ci failed for the peer (see above)"
            return 1
        fi
    fi
    peer_path=$dest
}

# HS256 tokens (claims sub, pid, iat, exp: what the peer checks) and the peer's request file, in
# the same order as ours.
make_peer_requests() {
    peer_secret=$(random_secret)$(random_secret)
    local ids
    ids=$(bench_psql -tAc "SELECT string_agg(id::text, ',' ORDER BY array_position(ARRAY[$(printf "'%s'," "${MEASURES[@]}" | sed 's/,$//')], slug::text)) FROM core.measures WHERE slug IN ($(printf "'%s'," "${MEASURES[@]}" | sed 's/,$//'))")
    (
        umask 077
        JWT_SECRET=$peer_secret node - "$ids" "$(cut -d' ' -f1 <<<"$munis" | paste -sd,)" >"$peer_file" <<'JS'
const crypto = require('node:crypto');
const [measures, principals] = process.argv.slice(2).map((s) => s.split(','));
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const token = (pid) => {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: String(pid), pid: Number(pid), iat: now, exp: now + 86400 })}`;
  return `${input}.${crypto.createHmac('sha256', process.env.JWT_SECRET).update(input).digest('base64url')}`;
};
for (const m of measures) for (const p of principals) process.stdout.write(`/v1/measures/${m}/values\t${token(p)}\n`);
JS
    )
}

# peer_run WORKERS: starts the peer, checks one read, runs wrk, stops it.
peer_run() {
    local workers=$1 port pid deadline first
    port=$(free_port)
    env -i PATH="$PATH" PORT="$port" WORKERS="$workers" JWT_SECRET="$peer_secret" \
        PGHOST=127.0.0.1 PGPORT="$bench_pg_port" PGUSER=postgres PGDATABASE=lgvo_peer \
        node "$peer_path/server.js" >>"$bench_work/peer.log" 2>&1 &
    pid=$!
    bench_track_pid "$pid"
    deadline=$((SECONDS + 30))
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/hello" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || { tail -20 "$bench_work/peer.log" >&2; die "the peer exited during start-up"; }
        ((SECONDS < deadline)) || die "the peer was not ready within 30 s"
        sleep 0.2
    done
    first=$(head -1 "$peer_file")
    curl -fsS "http://127.0.0.1:$port${first%%$'\t'*}" -H @<(printf 'Authorization: Bearer %s\n' "${first#*$'\t'}") |
        jq -e '.values | length == 12' >/dev/null || die "the peer did not answer 12 values"
    bench_wrk_requests "peer-node, WORKERS=$workers" "http://127.0.0.1:$port" "$peer_file"
    bench_stop_pid "$pid"
    peer_rps+=("$BENCH_RPS")
    rows+=("| Node.js peer (fastify + pg + fast-jwt), WORKERS=$workers: last 12 values | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR |")
}

# ---- pgbench ----

# pgbench_run LABEL DATABASE USER FILES...: tps and mean latency.
pgbench_run() {
    local label=$1 db=$2 user=$3 out secs args=()
    shift 3
    for f in "$@"; do args+=(-f "$f"); done
    secs=$(bench_seconds "$BENCH_DURATION")
    if [ "$BENCH_WARMUP" != 0 ]; then
        "$PG_BIN/pgbench" -n -M prepared -c "$PGBENCH_CLIENTS" -j 2 -T "$(bench_seconds "$BENCH_WARMUP")" \
            -h 127.0.0.1 -p "$bench_pg_port" -U "$user" "${args[@]}" "$db" >/dev/null 2>&1
    fi
    out=$("$PG_BIN/pgbench" -n -M prepared -c "$PGBENCH_CLIENTS" -j 2 -T "$secs" \
        -h 127.0.0.1 -p "$bench_pg_port" -U "$user" "${args[@]}" "$db" 2>&1) || { printf '%s\n' "$out" >&2; die "pgbench failed: $label"; }
    printf '## %s\n%s\n' "$label" "$out" >>"$bench_work/pgbench.log"
    local tps lat failed
    tps=$(awk '/^tps = / { printf "%.0f", $3 }' <<<"$out")
    lat=$(awk '/^latency average = / { printf "%.2f", $4 }' <<<"$out")
    failed=$(awk '/^number of failed transactions: / { print $5 }' <<<"$out")
    [ -n "$tps" ] || { printf '%s\n' "$out" >&2; die "cannot read pgbench's output"; }
    printf 'bench: %-40s %8s tx/s  mean %s ms\n' "$label" "$tps" "$lat" >&2
    rows+=("| pgbench -M prepared -c$PGBENCH_CLIENTS -j2: $label | $tps tx/s | mean $lat | — | ${failed:-0} failed | — |")
}

# ---- run ----

bench_setup jq
creds=$(bench_client region-ostergotland reporter att-aldras nara-vard)
read -r region_id region_secret <<<"$creds"
munis=$(municipalities)
[ "$(wc -l <<<"$munis")" = 13 ] || die "expected 13 municipalities"
ours_file=$bench_work/ours.txt
peer_file=$bench_work/peer.txt

log "server with the read cache off"
bench_server_start "${SERVER_SETTINGS[@]}" LGVO_READ_CACHE_SIZE=0
region_token=$(bench_token_client "$region_id" "$region_secret")
push_data
make_our_requests
read -r npoints ncounty < <(series_counts "${MEASURES[0]}" "$(awk 'NR == 1 { print $2 }' <<<"$munis")")
if [ "$npoints" != "$MONTHS" ] || [ "$ncounty" != "$MONTHS" ]; then
    die "a series has $npoints points and $ncounty county points, expected $MONTHS"
fi
capture_series_query

bench_wrk_requests "series, read cache off" "$BENCH_BASE" "$ours_file"
ours_nocache=$BENCH_RPS
rows+=("| ours, LGVO_READ_CACHE_SIZE=0 (every request queries PostgreSQL): $MONTHS points + county | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR |")
bench_server_stop

log "server with the defaults (read cache on)"
bench_server_start "${SERVER_SETTINGS[@]}"
bench_wrk_requests "series, defaults" "$BENCH_BASE" "$ours_file"
ours_default=$BENCH_RPS
rows+=("| ours, defaults (read cache on): $MONTHS points + county | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR |")
bench_server_stop

make_peer_database
peer_skip=""
peer_path=""
peer_rps=()
if prepare_peer; then
    make_peer_requests
    for w in $PEER_WORKERS; do peer_run "$w"; done
else
    log "skipping the Node.js peer: $peer_skip"
    rows+=("| Node.js peer: skipped — $peer_skip | — | — | — | — | — |")
fi

pgbench_run "our series query (from the server's log)" lgvo lgvo "$bench_work"/pgbench-series-*.sql
pgbench_run "the peer's query on data_values" lgvo_peer postgres "$bench_work"/pgbench-peer-*.sql

echo
echo "bench/series.sh — $(bench_header)"
echo "${#MEASURES[@]} monthly measures × 13 municipalities × $MONTHS months × T/K/M; each request reads one measure for one municipality (sex T) with that municipality's reader token, 65 different reads in turn. Server: LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8. PostgreSQL: scripts/lib/pg-cluster settings, shared by all."
echo
echo "| what | requests/s | p50 ms | p99 ms | non-2xx | socket errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
if ((${#peer_rps[@]})); then
    best_peer=$(printf '%s\n' "${peer_rps[@]}" | sort -n | tail -1)
    ratio() { awk -v a="$1" -v b="$best_peer" 'BEGIN { printf "%.2f", a / b }'; }
    r_default=$(ratio "$ours_default")
    verdict=$(awk -v r="$r_default" 'BEGIN { print (r >= 2.5 ? "met" : "NOT met") }')
    echo "Ours / the faster peer ($best_peer req/s): defaults $r_default× (target >= 2.5×: $verdict); read cache off $(ratio "$ours_nocache")×."
else
    echo "Ours / peer: not measured (the peer was skipped)."
fi
