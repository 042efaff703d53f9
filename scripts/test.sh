#!/usr/bin/env bash
# The project's test command (README): formatting, vet, every Go test with the
# race detector on real SQLite and real .xlsx/.csv files, the crash test,
# short fuzzing runs, then the real binary under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=fr_FR.UTF-8
export PATH=$PATH:/usr/local/go/bin

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "== go vet"
go vet ./...
echo "== go test -race"
go test -race -count=1 -skip '^TestCrashSafety$' ./...
echo "== crash test: a grading workload killed (SIGKILL) at random moments, the database checked after each kill"
if ! out=$(go test -race -count=1 -run '^TestCrashSafety$' -v ./storage/ 2>&1); then
  echo "$out"; exit 1
fi
grep -E 'kills survived|^ok' <<<"$out"
echo "== fuzzing, ${FUZZTIME:=10s} per target (go test -fuzz takes one target at a time)"
# A failing input is written to PKG/testdata/fuzz/TARGET/: commit it, it becomes
# a test case of every go test. -fuzzminimizetime: a short run must not spend
# its time shrinking one new input (60 s by default).
for target in ./exam:FuzzLoadReferentiel ./storage:FuzzOpen ./storage/xlsx:FuzzDecodeCandidatesCSV \
  ./storage/xlsx:FuzzDecodeCandidatesXLSX ./storage/xlsx:FuzzDecodeCandidatesSheetXML ./storage/gift:FuzzParseGIFT; do
  pkg=${target%%:*} name=${target#*:}
  found() { { find "$pkg/testdata/fuzz/$name" -type f 2>/dev/null || true; } | wc -l; }
  before=$(found)
  if out=$(go test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 1s "$pkg" 2>&1); then
    echo "$name: $(grep -o 'execs: [0-9]*' <<<"$out" | tail -1), $(tail -1 <<<"$out")"
  elif [ "$(found)" = "$before" ] && grep -qx '    context deadline exceeded' <<<"$out"; then
    # Go 1.26's fuzzing coordinator may fail at the end of -fuzztime with no
    # failing input (golang/go#75804, fixed in Go 1.27): not a finding.
    echo "$name: $(grep -o 'execs: [0-9]*' <<<"$out" | tail -1), no failing input (ended by golang/go#75804)"
  else
    echo "$out"; exit 1
  fi
done
echo "== smoke test of the real binary under Xvfb"
scripts/smoke.sh
