#!/usr/bin/env bash
# Builds the real binary, exercises its command line on a fresh database, then
# opens its window under Xvfb, takes a screenshot and checks it is not blank.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=${LANG:-fr_FR.UTF-8}
out=${SMOKE_DIR:-$(mktemp -d)}
mkdir -p "$out"
bin="$out/amis"
db="$out/smoke.db"
go build -o "$bin" ./cmd/amis

"$bin" version
"$bin" demo --db "$db"
"$bin" check --db "$db"
"$bin" --db "$db" check >/dev/null   # global flag before the command works too

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
