#!/usr/bin/env bash
# bench/all.sh — every benchmark in bench/, one after another, with the same settings; the
# combined Markdown tables on stdout (for bench/RESULTS.md and the README), progress on stderr.
# Builds build-bench/ once (first script) unless BENCH_NO_BUILD=1; the others reuse it. A script
# that fails is reported as failed in the tables and the rest still run; the exit status is 1
# when any failed. Each script starts and removes its own PostgreSQL and server.
# Takes the sum of the scripts: ~10 min with the defaults (BENCH_DURATION=10s, BENCH_WARMUP=2s).
# Usage: bench/all.sh [SCRIPT...]   e.g. bench/all.sh auth series   (default: all of them)
#        Settings pass through: BENCH_DURATION, BENCH_WARMUP, BENCH_NO_BUILD, BENCH_PUSH_ROWS,
#        BENCH_PUSH_REPEAT, BENCH_PLUGIN_REPEAT, BENCH_PEER_DIR, BENCH_PEER_WORKERS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ALL=(http threads auth push series plugins signals)

scripts=("$@")
((${#scripts[@]})) || scripts=("${ALL[@]}")
for s in "${scripts[@]}"; do
    [ -x "$here/$s.sh" ] || { echo "bench/all.sh: no script bench/$s.sh (known: ${ALL[*]})" >&2; exit 2; }
done

out=$(mktemp -d /tmp/lgvo-bench-all.XXXXXX)
trap 'rm -rf "$out"' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
commit=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$here/.." status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (work tree with uncommitted changes)"; fi

failed=0
first=1
summary=()
for s in "${scripts[@]}"; do
    echo "bench/all.sh: bench/$s.sh (load average $(load))" >&2
    started=$SECONDS
    status=0
    if ((first)); then
        "$here/$s.sh" >"$out/$s.md" || status=$?
    else
        BENCH_NO_BUILD=1 "$here/$s.sh" >"$out/$s.md" || status=$?
    fi
    # After the first script the build exists (unless it failed before building).
    [ -x "$here/../build-bench/lgvo-api" ] && first=0
    if ((status)); then
        failed=1
        printf '\nbench/%s.sh FAILED (exit %s); its log is on stderr above.\n' "$s" "$status" >>"$out/$s.md"
    fi
    summary+=("| bench/$s.sh | $((SECONDS - started)) s | $( ((status)) && echo "failed ($status)" || echo ok) | $(load) |")
done

echo "# bench/all.sh — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Commit $commit; nproc=$(nproc); BENCH_DURATION=${BENCH_DURATION:-10s}, BENCH_WARMUP=${BENCH_WARMUP:-2s}."
echo
echo "| script | took | result | load average (1 min) after |"
echo "| --- | ---: | --- | ---: |"
printf '%s\n' "${summary[@]}"
for s in "${scripts[@]}"; do
    echo
    echo "## bench/$s.sh"
    cat "$out/$s.md"
done
exit "$failed"
