#!/usr/bin/env bash
# bench/threads.sh — HTTP threading model against a database-bound handler.
# Compares LGVO_HTTP_THREADS=0 (libmicrohttpd's thread per connection) with the epoll thread
# pool at 2, 4 and 8 threads, each with LGVO_DB_POOL_SIZE = max(threads, 4) (8 for thread per
# connection). For each it measures requests/s and p99 latency of GET /health/ready (takes a
# pooled connection and waits on `SELECT count(*) FROM core.migrations` on every request) and
# GET /health/live (no database), with wrk -t2 -c32 over 127.0.0.1, against a Release build.
# Takes about 8 x (BENCH_DURATION + BENCH_WARMUP) plus ~20 s: ~2 min by default (plus
# building build-bench/ the first time, a minute or two).
# wrk, the server and PostgreSQL share this machine's cores: the numbers compare the
# configurations with each other on this machine, not a capacity figure.
# Usage: bench/threads.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup

rows=()
for threads in 0 2 4 8; do
    if ((threads == 0)); then pool=8; label="thread per connection"; else
        pool=$((threads > 4 ? threads : 4)); label="epoll pool, $threads threads"; fi
    log "LGVO_HTTP_THREADS=$threads LGVO_DB_POOL_SIZE=$pool"
    bench_server_start LGVO_HTTP_THREADS="$threads" LGVO_DB_POOL_SIZE="$pool"
    bench_wrk /health/ready
    ready="$BENCH_RPS | $BENCH_P99_MS | $BENCH_NON2XX"
    bench_wrk /health/live
    live="$BENCH_RPS | $BENCH_P99_MS | $BENCH_NON2XX"
    bench_server_stop
    rows+=("| $label | $threads | $pool | $ready | $live |")
done

echo
echo "bench/threads.sh — $(bench_header)"
echo "$(nproc) cores shared by wrk, server and PostgreSQL. non-2xx: 503s (e.g. no free database connection within LGVO_DB_ACQUIRE_TIMEOUT_MS)."
echo
echo "| model | LGVO_HTTP_THREADS | LGVO_DB_POOL_SIZE | /health/ready req/s | p99 ms | non-2xx | /health/live req/s | p99 ms | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
