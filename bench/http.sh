#!/usr/bin/env bash
# bench/http.sh — HTTP throughput and tail latency of two cheap endpoints.
# Measures requests/s and p99 latency of GET /health/live (no database, a fixed body) and
# GET /api/v1/principals (the reference list from memory, ~14 rows of JSON, no database) with
# wrk -t2 -c32 over 127.0.0.1, against a Release build (build-bench/) with the epoll thread
# pool at 4 threads and a database pool of 8 (the server's defaults today).
# Takes about 2 x (BENCH_DURATION + BENCH_WARMUP) plus ~10 s of set-up: ~35 s by default
# (plus building build-bench/ the first time, a minute or two).
# wrk, the server and PostgreSQL share this machine's cores: the numbers are for comparing
# runs on the same machine, not a capacity figure.
# Usage: bench/http.sh   (BENCH_DURATION=10s, BENCH_WARMUP=2s, BENCH_NO_BUILD=1 optional)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

bench_setup
bench_server_start LGVO_HTTP_THREADS=4 LGVO_DB_POOL_SIZE=8

rows=()
for path in /health/live /api/v1/principals; do
    bench_wrk "$path"
    rows+=("| GET $path | $BENCH_RPS | $BENCH_P99_MS | $BENCH_NON2XX | $BENCH_SOCKERR |")
done
bench_server_stop

echo
echo "bench/http.sh — $(bench_header)"
echo "Server: LGVO_HTTP_THREADS=4, LGVO_DB_POOL_SIZE=8; $(nproc) cores shared by wrk, server and PostgreSQL."
echo
echo "| endpoint | requests/s | p99 ms | non-2xx | socket errors |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
