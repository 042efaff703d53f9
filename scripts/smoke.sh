#!/usr/bin/env bash
# Builds the real binary, exercises its command line on a fresh database, then
# opens its window under Xvfb, takes a screenshot and checks it is not blank.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=${LANG:-fr_FR.UTF-8}
out=${SMOKE_DIR:-$(mktemp -d)}
mkdir -p "$out"
bin="$out/amis"
# -trimpath as scripts/package.sh builds: its Linux build then only links.
db="$out/smoke.db"
go build -trimpath -ldflags "-X main.commit=$(git rev-parse --short=12 HEAD 2>/dev/null)" -o "$bin" ./cmd/amis

"$bin" version
"$bin" demo --db "$db"
"$bin" check --db "$db"
"$bin" --db "$db" check >/dev/null   # global flag before the command works too

# The certifier export of the demo's signed session, opened by LibreOffice:
# what LibreOffice reads in the workbook must be exactly what amis writes as
# CSV (names with accents, dates jj/mm/aaaa, "Acquis"…); a mock exam is refused.
sessions=$("$bin" sessions --db "$db" --lang en)
signed=$(awk 'NR > 1 && $2 == "certification" && $NF == "signed" {print $1; exit}' <<<"$sessions")
mock=$(awk 'NR > 1 && $2 == "mock" {print $1; exit}' <<<"$sessions")
if [ -z "$signed" ] || [ -z "$mock" ]; then echo "smoke: no signed demo session or mock exam"; echo "$sessions"; exit 1; fi
"$bin" export --db "$db" --session "$signed" -o "$out/export.xlsx"
"$bin" export --db "$db" --session "$signed" --csv -o "$out/export.csv" >/dev/null
if "$bin" export --db "$db" --session "$mock" -o "$out/mock.xlsx" 2>"$out/mock.err"; then
  echo "smoke: the mock exam was exported"; exit 1
fi
grep -q "DEMO-EB-01" "$out/mock.err" || { echo "smoke: unclear refusal:"; cat "$out/mock.err"; exit 1; }
command -v libreoffice >/dev/null || { echo "smoke: libreoffice is missing (scripts/deps.sh installs libreoffice-calc-nogui)"; exit 1; }
rm -rf "$out/lo"
# Options of the CSV filter: ';', '"', UTF-8, …, cells saved as shown.
libreoffice -env:UserInstallation="file://$out/lo-profile" --headless \
  --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true' \
  --outdir "$out/lo" "$out/export.xlsx" >"$out/lo.log" 2>&1 || { cat "$out/lo.log"; exit 1; }
lo="$out/lo/export.csv"
name=$(sed -n 2p "$lo" | cut -d';' -f7)   # Nom de naissance of the first candidate
if [ -z "$name" ] || ! grep -q ";Acquis;" "$lo" || [ "$(grep -c -- "$name" "$out/export.csv")" -lt 1 ]; then
  echo "smoke: LibreOffice read no candidate or no Acquis in the export:"; head -3 "$lo"; exit 1
fi
if ! diff <(sed '1s/^\xEF\xBB\xBF//' "$out/export.csv" | tr -d '\r') "$lo" >"$out/lo.diff"; then
  echo "smoke: LibreOffice reads the workbook differently from the CSV:"; head -20 "$out/lo.diff"; exit 1
fi
echo "smoke: export of session $signed read back by LibreOffice: $(($(wc -l <"$lo") - 1)) candidates, first $name"

display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x860x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb=$!
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

start=$(date +%s%N)
"$bin" --db "$db" >"$out/app.log" 2>&1 &
app=$!
win=""
for _ in $(seq 300); do
  win=$(xdotool search --name "^AMIS Jury" 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  if ! kill -0 "$app" 2>/dev/null; then echo "smoke: the app exited"; cat "$out/app.log"; exit 1; fi
  sleep 0.1
done
if [ -z "$win" ]; then echo "smoke: no window after 30 s"; cat "$out/app.log"; exit 1; fi
echo "smoke: window after $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
shot="$out/smoke.png"
import -window root "$shot"
colors=$(convert "$shot" -format '%k' info:)
stddev=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
echo "smoke: screenshot $shot: $colors colours, grey deviation $stddev"
if [ "$colors" -lt 16 ] || awk "BEGIN{exit !($stddev < 0.02)}"; then
  echo "smoke: the screenshot is blank"; exit 1
fi
if ! kill -0 "$app" 2>/dev/null; then echo "smoke: the app died"; cat "$out/app.log"; exit 1; fi
echo "smoke: ok"
