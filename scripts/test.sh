#!/usr/bin/env bash
# The project's test command (README): formatting, vet, every Go test with the
# race detector on real SQLite and real .xlsx/.csv files, then the real binary
# under Xvfb.
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
go test -race -count=1 ./...
echo "== smoke test of the real binary under Xvfb"
scripts/smoke.sh
