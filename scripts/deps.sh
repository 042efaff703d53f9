#!/usr/bin/env bash
# Installs the Debian packages AMIS Jury needs to build (cgo, OpenGL, X11) and
# to run its tests (Xvfb, xdotool, ImageMagick, LibreOffice Calc without its
# GUI). Does nothing when they are all there. Needs Go (see README) and root or
# sudo for apt-get.
set -euo pipefail

packages=(gcc pkg-config libc6-dev libgl1-mesa-dev libgl1-mesa-dri xorg-dev libxkbcommon-dev
  xvfb xauth xdotool x11-utils imagemagick fonts-dejavu-core poppler-utils
  libreoffice-calc-nogui)  # the smoke test opens the certifier export with LibreOffice

# `scripts/deps.sh --package` (make package, CI after the tests) adds what
# scripts/package.sh needs: the MinGW-w64 cross-compiler of the Windows .exe,
# xz for the Linux package, file to describe the .exe, and below the fyne CLI.
package=false
if [ "${1:-}" = "--package" ]; then
  package=true
  packages+=(gcc-mingw-w64-x86-64 xz-utils file)
fi

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

# The fyne CLI of `fyne package`, at the version scripts/package.sh was tried with.
fyne_version=v1.7.4
if $package && ! "$(go env GOPATH)/bin/fyne" version 2>/dev/null | grep -q "cli version: $fyne_version"; then
  echo "deps: installing the fyne CLI $fyne_version" >&2
  go install "fyne.io/tools/cmd/fyne@$fyne_version"
fi
