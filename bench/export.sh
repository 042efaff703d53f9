#!/usr/bin/env bash
# Benchmark of the certifier export (see bench/README.md):
#  - `amis bench-data` builds a database holding one signed certification
#    session of N candidates (default 100,000) with their grids, decisions,
#    results and signatures (kept in BENCH_DIR and reused when it is set);
#  - `amis export` of that session, .xlsx then .csv, RUNS runs each (default
#    3), timed with GNU time: wall clock, CPU, peak resident memory;
#  - the Go benchmarks: BenchmarkWriteExport on a copy of that database
#    (xlsx, csv, and the reading alone), then BenchmarkExportEncoder (the
#    workbook writer alone, rows made in memory) and
#    BenchmarkExportService_Export on AMIS_BENCH_CANDIDATES candidates
#    (default 10,000). Each reports CPU seconds per export (cpu-s/op), a
#    better guide than the wall clock on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=fr_FR.UTF-8 PATH=$PATH:/usr/local/go/bin
N=${N:-100000}
RUNS=${RUNS:-3}
dir=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$dir"
if [ ! -x /usr/bin/time ]; then echo "bench: GNU time is needed (apt-get install time)"; exit 1; fi
go build -o "$dir/amis" ./cmd/amis
db="$dir/export-$N.db"
if [ ! -f "$db" ]; then
  s=$(date +%s%N)
  "$dir/amis" bench-data --db "$db" --candidates "$N" >"$dir/session-id" 2>"$dir/bench-data.log" || { cat "$dir/bench-data.log"; exit 1; }
  echo "amis bench-data --candidates $N: $(( ($(date +%s%N) - s) / 1000000 )) ms (database $(du -h "$db" | cut -f1))"
fi
id=$(cat "$dir/session-id")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
for fmt in xlsx csv; do
  for i in $(seq "$RUNS"); do
    rm -f "$dir/out.$fmt"
    /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$dir/amis" export --db "$db" --session "$id" -o "$dir/out.$fmt" \
      >/dev/null 2>"$dir/export.log" || { cat "$dir/export.log"; exit 1; }
    read -r wall rss user sys <"$dir/time.txt"
    echo "amis export $N candidates (.$fmt), run $i: ${wall} s wall, ${user} s user + ${sys} s sys, peak RSS $((rss / 1024)) MB, file $(du -h "$dir/out.$fmt" | cut -f1)"
  done
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
AMIS_BENCH_DB="$db" go test -run '^$' -bench 'WriteExport' -benchtime "${RUNS}x" ./storage/xlsx/ | grep -E '^(Benchmark|ok)'
AMIS_BENCH_CANDIDATES=${AMIS_BENCH_CANDIDATES:-10000} go test -run '^$' -bench 'ExportEncoder|ExportService_Export' \
  -benchtime 3x ./storage/ ./storage/xlsx/ | grep -E '^(Benchmark|ok)'
