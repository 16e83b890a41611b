#!/usr/bin/env bash
# bench/signals.sh — GET /api/v1/areas/att-aldras/signals over ten years of data.
# Fills core.values (directly in SQL, as tests/integration/signals-area.test.mjs does) with
# 2015–2024 for every indicator of att-aldras — the seeded ones and those the plugin defines at
# start-up — and every principal that reports it (on-behalf measures: all 14), monthly, quarterly
# or yearly by the measure's period type; then asks for the area's signals (the run/control
# chart verdict of every indicator × principal and the county) one request after another for
# BENCH_DURATION (wrk -t1 -c1 through bench/wrk/requests.lua, a reader client's token), after one
# cold request timed by curl. Reports the median and p99, and the CPU time per request of the
# server and of its PostgreSQL backends (from /proc: less sensitive to a busy machine than
# wall time). The answer has no read cache (only ETags, which wrk does not send), so every
# request reads and computes. Target: median < 50 ms on 2 cores.
# Takes ~15 s of set-up plus BENCH_DURATION + BENCH_WARMUP.
# The server and PostgreSQL share this machine's cores with whatever else runs on it.
# Usage: bench/signals.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

AREA=att-aldras
TARGET_MS=50

# The test's fill (signals-area.test.mjs, "speed"), for one area: counts of 20–29 out of 200.
fill_area() {
    bench_psql <<SQL
INSERT INTO core.values (measure_id, principal_id, period, period_start, period_end, value, numerator, denominator, updated_by)
SELECT m.id, p.id, per.period, per.s, per.e,
       CASE WHEN m.ratio THEN round(x.n * (CASE m.unit WHEN 'percent' THEN 100 WHEN 'per_1000' THEN 1000 ELSE 1 END) / x.d, 6) ELSE x.n END,
       CASE WHEN m.ratio THEN x.n END, CASE WHEN m.ratio THEN x.d END, 'bench/signals.sh'
FROM core.measures m JOIN core.areas a ON a.id = m.area_id AND a.slug = '$AREA'
CROSS JOIN core.principals p
CROSS JOIN LATERAL (
  SELECT to_char(d, 'YYYY-MM') AS period, d::date AS s, (d + interval '1 month' - interval '1 day')::date AS e
    FROM generate_series(date '2015-01-01', date '2024-12-01', interval '1 month') d WHERE m.period_type = 'month'
  UNION ALL SELECT to_char(d, 'YYYY"Q"Q'), d::date, (d + interval '3 month' - interval '1 day')::date
    FROM generate_series(date '2015-01-01', date '2024-10-01', interval '3 month') d WHERE m.period_type = 'quarter'
  UNION ALL SELECT to_char(d, 'YYYY'), d::date, (d + interval '1 year' - interval '1 day')::date
    FROM generate_series(date '2015-01-01', date '2024-01-01', interval '1 year') d WHERE m.period_type = 'year'
  UNION ALL SELECT to_char(d, 'IYYY-"W"IW'), d::date, (d + interval '6 day')::date
    FROM generate_series(date '2014-12-29', date '2024-12-23', interval '7 day') d WHERE m.period_type = 'week') per
CROSS JOIN LATERAL (SELECT (20 + floor(random() * 10))::numeric AS n, 200::numeric AS d WHERE per.period IS NOT NULL) x
WHERE m.kind = 'indicator' AND (m.on_behalf OR p.kind = ANY (m.reported_by));
ANALYZE core.values;
SQL
}

# CPU time (ms) of this cluster's backends connected to the database lgvo: the postmaster's
# children whose title names it ("postgres: USER lgvo 127.0.0.1(PORT) …").
backends_cpu_ms() {
    local postmaster pid sum=0
    postmaster=$(head -1 "$bench_work/pg/postmaster.pid")
    for pid in $(pgrep -P "$postmaster"); do
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^postgres: [a-z_]* lgvo ' || continue
        sum=$((sum + $(bench_cpu_ms "$pid" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}

bench_setup jq
creds=$(bench_client finspang reader)
read -r reader_id reader_secret <<<"$creds"
# Plugins define their measures when the server starts: fill after that.
bench_server_start LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8 LGVO_ACCESS_TOKEN_TTL=3600
token=$(bench_token_client "$reader_id" "$reader_secret")
fill_area
values_n=$(bench_psql -tAc "SELECT count(*) FROM core.values v JOIN core.measures m ON m.id = v.measure_id JOIN core.areas a ON a.id = m.area_id WHERE a.slug = '$AREA'")
indicators=$(bench_psql -tAc "SELECT count(*) FROM core.measures m JOIN core.areas a ON a.id = m.area_id WHERE a.slug = '$AREA' AND m.kind = 'indicator'")

path=/api/v1/areas/$AREA/signals
cold=$(curl -sS -o "$bench_work/signals.json" -w '%{http_code} %{time_total}' "$BENCH_BASE$path" \
    -H @<(printf 'Authorization: Bearer %s\n' "$token"))
[ "${cold%% *}" = 200 ] || die "GET $path: HTTP ${cold%% *}: $(head -c 600 "$bench_work/signals.json")"
cold_ms=$(awk -v s="${cold#* }" 'BEGIN { printf "%.1f", s * 1000 }')
items=$(jq '.items | length' "$bench_work/signals.json")
judged=$(jq '[.items[] | select(.verdict != "insufficient_data")] | length' "$bench_work/signals.json")
((judged > 0)) || die "no series had enough data for a verdict"

bench_requests_file "$bench_work/signals.txt" "$token" "$path"
# CPU is counted over the warm-up and the measured run together: wrk reports only the latter's
# requests, so count the warm-up's separately.
if [ "$BENCH_WARMUP" != 0 ]; then
    wrk -t1 -c1 -d"$BENCH_WARMUP" -s "$BENCH_LUA" "$BENCH_BASE" -- "$bench_work/signals.txt" >/dev/null
fi
server_cpu0=$(bench_cpu_ms "$bench_server_pid")
db_cpu0=$(backends_cpu_ms)
BENCH_WARMUP=0 bench_wrk_requests "GET $path (one at a time)" "$BENCH_BASE" "$bench_work/signals.txt" 1 1
server_cpu=$(awk -v a="$(bench_cpu_ms "$bench_server_pid")" -v b="$server_cpu0" -v n="$BENCH_REQUESTS" 'BEGIN { printf "%.1f", (a - b) / n }')
db_cpu=$(awk -v a="$(backends_cpu_ms)" -v b="$db_cpu0" -v n="$BENCH_REQUESTS" 'BEGIN { printf "%.1f", (a - b) / n }')
bench_server_stop

verdict=$(awk -v s="$BENCH_P50_MS" -v t="$TARGET_MS" 'BEGIN { print (s < t ? "met" : "NOT met") }')
echo
echo "bench/signals.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$(nproc), wrk -t1 -c1 -d$BENCH_DURATION --latency (after a $BENCH_WARMUP warm-up), 127.0.0.1"
echo "$AREA: $indicators indicators, $values_n values (2015–2024, every principal that reports each); the answer: $items series ($judged with a verdict). Every plugin loaded; LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8; a reader client's token."
echo
echo "| request | requests | cold ms | median ms | p99 ms | non-2xx | server CPU ms/request | PostgreSQL CPU ms/request |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| GET $path | $BENCH_REQUESTS | $cold_ms | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $server_cpu | $db_cpu |"
echo
echo "Median $BENCH_P50_MS ms (target < $TARGET_MS ms: $verdict)."
