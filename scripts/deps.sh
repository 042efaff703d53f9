#!/usr/bin/env bash
# Installs the Debian packages AMIS Jury needs to build (cgo, OpenGL, X11) and
# to run its tests (Xvfb, xdotool, ImageMagick). Does nothing when they are all
# there. Needs Go (see README) and root or sudo for apt-get.
set -euo pipefail

packages=(gcc pkg-config libc6-dev libgl1-mesa-dev libgl1-mesa-dri xorg-dev libxkbcommon-dev
  xvfb xauth xdotool x11-utils imagemagick fonts-dejavu-core poppler-utils)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    echo "deps: Go is in /usr/local/go/bin but not on PATH; add it: export PATH=\$PATH:/usr/local/go/bin" >&2
  else
    echo "deps: Go 1.26 or newer is required (https://go.dev/doc/install), then run this again" >&2
  fi
  exit 1
fi
