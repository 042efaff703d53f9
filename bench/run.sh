#!/usr/bin/env bash
# Benchmarks of AMIS Jury on this machine (see bench/README.md):
#  - `amis import` of 10,000 candidates from .xlsx and .csv, timed;
#  - the Go benchmarks of storage and storage/xlsx;
#  - time from launch to the first window under Xvfb, on a database of 10,000 candidates.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=fr_FR.UTF-8 PATH=$PATH:/usr/local/go/bin
N=${N:-10000}
dir=$(mktemp -d)
go build -o "$dir/amis" ./cmd/amis
go run ./bench/genimport -n "$N" -o "$dir/candidats.xlsx"
go run ./bench/genimport -n "$N" -o "$dir/candidats.csv"

t() { local s=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
echo "amis import $N rows (.xlsx): $(t "$dir/amis" import --db "$dir/x.db" "$dir/candidats.xlsx") ms"
echo "amis import $N rows (.csv):  $(t "$dir/amis" import --db "$dir/c.db" "$dir/candidats.csv") ms"

go test -run '^$' -bench . -benchtime 3x ./storage/ ./storage/xlsx/ | grep -E '^(Benchmark|ok)'

display=":$((80 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
for i in 1 2 3; do
  s=$(date +%s%N)
  "$dir/amis" --db "$dir/x.db" >/dev/null 2>&1 &
  app=$!
  until xdotool search --name "^AMIS Jury" >/dev/null 2>&1; do sleep 0.02; done
  echo "launch to window, run $i: $(( ($(date +%s%N) - s) / 1000000 )) ms"
  kill $app; wait $app 2>/dev/null || true
done
