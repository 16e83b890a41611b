#!/usr/bin/env bash
# bench/push.sh — one POST /api/v1/values of 50,000 rows (BENCH_PUSH_ROWS), timed end to end.
# The rows: the five monthly share measures the region reports on behalf of the municipalities
# (att-aldras.ed-visits-not-admitted, -readmissions-48h, -readmissions-30d,
# nara-vard.readmissions-48h, -30d) × 13 municipalities × T/K/M, month after month from 2000-01
# (about 21 years), numerator and denominator each; ~6 MB of JSON, under the default 8M body
# limit. Pushed by the region's reporter client (client_credentials) with every plugin loaded
# (so att-aldras' validate hook checks the shares too), atomic mode, no Idempotency-Key:
# first as new rows (all created), then BENCH_PUSH_REPEAT times a changed body (all updated)
# followed by the same body again (all unchanged). Each push is timed by curl
# (%{time_total}: sending the body to the last byte of the answer). Memory: the server's
# resident set before the first push and its peak (VmHWM) during each push — the peak is reset
# before each push through /proc/PID/clear_refs, so a login's Argon2 hash or an earlier push
# does not mask it. Target: every push under 3 s.
# Takes ~10 s of set-up plus the pushes (seconds each); BENCH_DURATION does not apply.
# The server and PostgreSQL share this machine's cores with whatever else runs on it.
# Usage: bench/push.sh   (BENCH_PUSH_ROWS=50000, BENCH_PUSH_REPEAT=2, BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

ROWS=${BENCH_PUSH_ROWS:-50000}
REPEAT=${BENCH_PUSH_REPEAT:-2}
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "BENCH_PUSH_ROWS=$ROWS: expected a number of rows"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "BENCH_PUSH_REPEAT=$REPEAT: expected a count from 1"
MEASURES=(att-aldras.ed-visits-not-admitted att-aldras.readmissions-48h att-aldras.readmissions-30d
    nara-vard.readmissions-48h nara-vard.readmissions-30d)
TARGET_MS=3000

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# Resets the server's VmHWM to its current resident set (Linux >= 4.0, as the process's owner).
reset_peak() {
    if ! { echo 5 >"/proc/$bench_server_pid/clear_refs"; } 2>/dev/null; then
        peak_note="(peak not reset between pushes: /proc/PID/clear_refs not writable; peaks are since start-up)"
    fi
}

# push LABEL FILE EXPECTED_MEMBER: one timed push, then a table row.
push() {
    local label=$1 file=$2 member=$3 counts rss
    rss=$(bench_proc_kib "$bench_server_pid" VmRSS)
    reset_peak
    bench_post "$label" /api/v1/values "$token" "$file"
    counts=$(jq -r '"\(.created) | \(.updated) | \(.unchanged) | \(.rejected)"' "$BENCH_RESPONSE")
    [ "$(jq -r ".$member" "$BENCH_RESPONSE")" = "$ROWS" ] ||
        die "$label: expected $ROWS rows $member, got created | updated | unchanged | rejected = $counts"
    rows+=("| $label | $ROWS | $counts | $BENCH_MS | $(mib "$rss") | $(mib "$(bench_proc_kib "$bench_server_pid" VmHWM)") |")
    times+=("$BENCH_MS")
}

bench_setup jq
creds=$(bench_client region-ostergotland reporter att-aldras nara-vard)
read -r client_id client_secret <<<"$creds"
bench_server_start LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8 LGVO_ACCESS_TOKEN_TTL=3600
token=$(bench_token_client "$client_id" "$client_secret")

municipalities=$(bench_psql -tAc "SELECT string_agg(slug, ',' ORDER BY sort_order) FROM core.principals WHERE kind = 'municipality'")
for m in "${MEASURES[@]}"; do
    [ "$(bench_psql -tAc "SELECT count(*) FROM core.measures WHERE slug = '$m'")" = 1 ] || die "no measure $m"
done
gen() { node "$LGVO_ROOT/bench/gen-bodies.mjs" values --municipalities "$municipalities" --from 2000-01 --rows "$ROWS" "$@" "${MEASURES[@]}"; }
for bump in $(seq 0 "$REPEAT"); do gen --bump "$bump" >"$bench_work/push-$bump.json"; done
body_mb=$(awk -v b="$(stat -c %s "$bench_work/push-0.json")" 'BEGIN { printf "%.1f", b / 1048576 }')
last_period=$(jq -r '.values[-1].period' "$bench_work/push-0.json")

rss_before=$(bench_proc_kib "$bench_server_pid" VmRSS)
peak_note=""
rows=()
times=()
push "create (all new)" "$bench_work/push-0.json" created
for i in $(seq 1 "$REPEAT"); do
    push "update $i (every count changed)" "$bench_work/push-$i.json" updated
    push "unchanged $i (the same body again)" "$bench_work/push-$i.json" unchanged
done
rss_after=$(bench_proc_kib "$bench_server_pid" VmRSS)
stored=$(bench_psql -tAc "SELECT count(*) FROM core.values")
bench_server_stop

slowest=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
verdict=$(awk -v s="$slowest" -v t="$TARGET_MS" 'BEGIN { print (s < t ? "met" : "NOT met") }')
echo
echo "bench/push.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), nproc=$(nproc), curl on 127.0.0.1"
echo "POST /api/v1/values, $ROWS rows (${#MEASURES[@]} monthly share measures × 13 municipalities × T/K/M, 2000-01…$last_period), $body_mb MB of JSON, atomic, by the region's reporter client; every plugin loaded; LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8. core.values after: $stored rows."
echo "Server resident set before the first push $(mib "$rss_before") MiB, after the last $(mib "$rss_after") MiB. $peak_note"
echo
echo "| push | rows | created | updated | unchanged | rejected | ms (curl time_total) | server RSS before, MiB | server peak RSS (VmHWM) during, MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "Slowest push: $slowest ms (target < $TARGET_MS ms: $verdict)."
