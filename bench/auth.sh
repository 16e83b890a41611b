#!/usr/bin/env bash
# bench/auth.sh — what checking a bearer token costs a request.
# The same GET /api/v1/principals (public, served from memory, no database) without a token and
# with a valid one, in the same run: a bearer token on a public route is verified like on any
# other (bad ones get 401), so the difference is the token check — the signature once, then the
# in-memory cache of verified tokens by hash. A third run with LGVO_TOKEN_CACHE_SIZE=0 shows the
# full ES256 verification on every request. wrk -t2 -c32 over 127.0.0.1 through
# bench/wrk/requests.lua for all three (the header comes from a file, not from wrk's argv), Release
# build, LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8. Target: authenticated >= 90 % of
# unauthenticated requests/s (with the token cache, the default).
# Takes about 3 x (BENCH_DURATION + BENCH_WARMUP) plus ~15 s of set-up.
# wrk, the server and PostgreSQL share this machine's cores: compare runs on one machine only.
# Usage: bench/auth.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

PATH_UNDER_TEST=/api/v1/principals
SERVER_SETTINGS=(LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8 LGVO_ACCESS_TOKEN_TTL=3600)

# A token that verifies must give 200 and a forged one 401, or the runs compare nothing.
check_token_is_verified() {
    local token=$1 code
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BENCH_BASE$PATH_UNDER_TEST" -H @<(printf 'Authorization: Bearer %s\n' "$token"))
    [ "$code" = 200 ] || die "GET $PATH_UNDER_TEST with a valid token: HTTP $code"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BENCH_BASE$PATH_UNDER_TEST" -H @<(printf 'Authorization: Bearer %sx\n' "$token"))
    [ "$code" = 401 ] || die "GET $PATH_UNDER_TEST with a forged token: HTTP $code, expected 401 (is the token checked on public routes?)"
}

bench_setup jq
creds=$(bench_client finspang reader)
read -r client_id client_secret <<<"$creds"
bench_server_start "${SERVER_SETTINGS[@]}"
token=$(bench_token_client "$client_id" "$client_secret")
check_token_is_verified "$token"

anonymous=$bench_work/anonymous.txt
authenticated=$bench_work/authenticated.txt
bench_requests_file "$anonymous" "" "$PATH_UNDER_TEST"
bench_requests_file "$authenticated" "$token" "$PATH_UNDER_TEST"

bench_wrk_requests "GET $PATH_UNDER_TEST, no token" "$BENCH_BASE" "$anonymous"
anon_rps=$BENCH_RPS
rows=("| no token | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR | 100 % |")
bench_wrk_requests "GET $PATH_UNDER_TEST, bearer token" "$BENCH_BASE" "$authenticated"
auth_rps=$BENCH_RPS
auth_pct=$(awk -v a="$auth_rps" -v b="$anon_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
rows+=("| bearer token (token cache on, default) | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR | $auth_pct % |")
bench_server_stop

log "again with LGVO_TOKEN_CACHE_SIZE=0 (every request verifies the signature)"
bench_server_start "${SERVER_SETTINGS[@]}" LGVO_TOKEN_CACHE_SIZE=0
bench_wrk_requests "GET $PATH_UNDER_TEST, bearer token, no cache" "$BENCH_BASE" "$authenticated"
nocache_pct=$(awk -v a="$BENCH_RPS" -v b="$anon_rps" 'BEGIN { printf "%.1f", 100 * a / b }')
rows+=("| bearer token, LGVO_TOKEN_CACHE_SIZE=0 | $BENCH_RPS | $BENCH_P50_MS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR | $nocache_pct % |")
bench_server_stop

verdict=$(awk -v p="$auth_pct" 'BEGIN { print (p >= 90 ? "met" : "NOT met") }')
echo
echo "bench/auth.sh — $(bench_header)"
echo "GET $PATH_UNDER_TEST (public; a bearer token sent to it is verified). Server: LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8, ES256 tokens (a reader client's, client_credentials)."
echo
echo "| request | requests/s | p50 ms | p99 ms | non-2xx | socket errors | of no-token req/s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "Authenticated / unauthenticated: $auth_pct % (target >= 90 %: $verdict)."
