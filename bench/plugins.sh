#!/usr/bin/env bash
# bench/plugins.sh — the area plugins' heavy requests, timed.
#   att-aldras  POST /api/v1/att-aldras/hospital-reports: a year (2020) for all 13
#               municipalities × T/K/M in one request (468 reports, 1,404 derived shares), by
#               the region's reporter client. Target < 300 ms.
#   nara-vard   POST /api/v1/nara-vard/beds: a year (2023-W01…W52) of weekly bed reports for
#               the 13 municipalities (676 reports, 2,704 derived values), by a county_admin
#               user. Target < 300 ms.
#               GET /api/v1/nara-vard/primary-care-plan/status?tertial=2024T3: the principal ×
#               activity grid (14 × 8, every cell reported), one request after another for
#               BENCH_DURATION (wrk -t1 -c1 through bench/wrk/requests.lua), median and p99.
#               Target < 20 ms per request.
# Each push is timed by curl (%{time_total}) as new rows (created), then BENCH_PLUGIN_REPEAT
# times with changed counts (updated) and the same body again (unchanged); every answer is
# checked (HTTP 200 and the plugin's own counts). Every plugin loaded, LGVO_HTTP_THREADS=4,
# LGVO_DB_POOL_SIZE=8, Release build.
# Takes ~20 s of set-up, a few seconds of pushes and BENCH_DURATION + BENCH_WARMUP for the grid.
# The server and PostgreSQL share this machine's cores with whatever else runs on it.
# Usage: bench/plugins.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_PLUGIN_REPEAT=3,
#        BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

REPEAT=${BENCH_PLUGIN_REPEAT:-3}
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_PLUGIN_REPEAT=$REPEAT: expected a count from 1"
PUSH_TARGET_MS=300
GRID_TARGET_MS=20
TERTIAL=2024T3

rows=()

# timed_push LABEL PATH TOKEN FILE JQ_CHECK: one push whose answer must satisfy JQ_CHECK.
timed_push() {
    local label=$1 path=$2 token=$3 file=$4 check=$5 verdict
    bench_post "$label" "$path" "$token" "$file"
    jq -e "$check" "$BENCH_RESPONSE" >/dev/null ||
        die "$label: the answer does not satisfy $check: $(head -c 600 "$BENCH_RESPONSE")"
    verdict=$(awk -v s="$BENCH_MS" -v t="$PUSH_TARGET_MS" 'BEGIN { print (s < t ? "yes" : "no") }')
    rows+=("| $label | $BENCH_MS | $verdict |")
}

# pushes NAME PATH TOKEN BODY_PREFIX MEMBER ROWS: created, then REPEAT × (updated, unchanged).
# MEMBER: where the plugin counts its own rows in the summary (reports or stored).
pushes() {
    local name=$1 path=$2 token=$3 prefix=$4 member=$5 n=$6 i
    timed_push "$name: create" "$path" "$token" "$prefix-0.json" ".$member.created == $n"
    for i in $(seq 1 "$REPEAT"); do
        timed_push "$name: update $i" "$path" "$token" "$prefix-$i.json" ".$member.updated == $n"
        timed_push "$name: unchanged $i" "$path" "$token" "$prefix-$i.json" ".$member.unchanged == $n"
    done
}

bench_setup jq
county_password=$(bench_user region-ostergotland bench-county county_admin)
creds=$(bench_client region-ostergotland reporter att-aldras)
read -r region_id region_secret <<<"$creds"
creds=$(bench_client ydre reader)
read -r reader_id reader_secret <<<"$creds"
bench_server_start LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8 LGVO_ACCESS_TOKEN_TTL=3600
county_token=$(bench_token_password bench-county "$county_password")
region_token=$(bench_token_client "$region_id" "$region_secret")
reader_token=$(bench_token_client "$reader_id" "$reader_secret")

municipalities=$(bench_psql -tAc "SELECT string_agg(slug, ',' ORDER BY sort_order) FROM core.principals WHERE kind = 'municipality'")
principals=$(bench_psql -tAc "SELECT string_agg(slug, ',' ORDER BY kind <> 'region', sort_order) FROM core.principals")
activities=$(curl -sSf "$BENCH_BASE/api/v1/nara-vard/primary-care-plan" -H @<(printf 'Authorization: Bearer %s\n' "$reader_token") |
    jq -r '[.activities[].id] | join(",")')
[ -n "$activities" ] || die "GET /api/v1/nara-vard/primary-care-plan listed no activities"
gen() { node "$LGVO_ROOT/bench/gen-bodies.mjs" "$@"; }
for bump in $(seq 0 "$REPEAT"); do
    gen hospital --municipalities "$municipalities" --year 2020 --bump "$bump" >"$bench_work/hospital-$bump.json"
    gen beds --municipalities "$municipalities" --year 2023 --bump "$bump" >"$bench_work/beds-$bump.json"
done
hospital_n=$(jq '.reports | length' "$bench_work/hospital-0.json")
beds_n=$(jq '.reports | length' "$bench_work/beds-0.json")

pushes "att-aldras hospital-reports, $hospital_n rows" /api/v1/att-aldras/hospital-reports "$region_token" \
    "$bench_work/hospital" reports "$hospital_n"
pushes "nara-vard beds, $beds_n rows" /api/v1/nara-vard/beds "$county_token" "$bench_work/beds" stored "$beds_n"

# The grid: every principal reports every activity for the tertial (set-up, not timed against
# a target), then the read.
gen plan-status --principals "$principals" --activities "$activities" --tertial "$TERTIAL" >"$bench_work/plan.json"
plan_n=$(jq '.reports | length' "$bench_work/plan.json")
bench_post "nara-vard plan status, $plan_n rows (set-up)" /api/v1/nara-vard/primary-care-plan/status "$county_token" "$bench_work/plan.json"
jq -e ".stored.created == $plan_n" "$BENCH_RESPONSE" >/dev/null || die "the plan status push did not store $plan_n rows"
grid_path="/api/v1/nara-vard/primary-care-plan/status?tertial=$TERTIAL"
curl -sSf "$BENCH_BASE$grid_path" -H @<(printf 'Authorization: Bearer %s\n' "$reader_token") |
    jq -e '[.principals[].reported] | all(. > 0)' >/dev/null || die "the grid does not show every principal's reports"
bench_requests_file "$bench_work/grid.txt" "$reader_token" "$grid_path"
bench_wrk_requests "GET primary-care-plan/status (one at a time)" "$BENCH_BASE" "$bench_work/grid.txt" 1 1
grid_verdict=$(awk -v s="$BENCH_P50_MS" -v t="$GRID_TARGET_MS" 'BEGIN { print (s < t ? "yes" : "no") }')
bench_server_stop

echo
echo "bench/plugins.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$(nproc), curl and wrk on 127.0.0.1"
echo "Every plugin loaded; LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8. Pushes: atomic, timed by curl (time_total); hospital reports by the region's reporter client, beds by a county_admin user."
echo
echo "| push | ms | < $PUSH_TARGET_MS ms |"
echo "| --- | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "| read | requests | median ms | p99 ms | non-2xx | < $GRID_TARGET_MS ms (median) |"
echo "| --- | ---: | ---: | ---: | ---: | --- |"
echo "| GET $grid_path ($plan_n cells), wrk -t1 -c1 -d$BENCH_DURATION | $BENCH_REQUESTS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $grid_verdict |"
