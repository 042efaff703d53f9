#!/usr/bin/env bash
# Builds the release packages of AMIS Jury into dist/ (make package; CI runs
# it after the tests, docs/release.md):
#  - dist/amis-jury-VERSION-linux-amd64.tar.xz, made by `fyne package` from the
#    root FyneApp.toml and assets/icon.png around the Linux binary built here
#    (--exe: fyne does not build again); it installs with `sudo make install`
#    from the unpacked folder: binary, .desktop, icon;
#  - dist/amis-jury-VERSION-windows-amd64.exe, cross-built with MinGW-w64
#    (cgo: SQLite and GLFW), a GUI program (-H=windowsgui);
#  - dist/SHA256SUMS.
# Both carry the version of FyneApp.toml and the git commit (`amis version`,
# Aide → À propos); -trimpath keeps the build machine's paths out of them.
# Needs scripts/deps.sh --package (the MinGW compiler, the fyne CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:$(go env GOPATH)/bin
export LANG=fr_FR.UTF-8

version=$(sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^ *Build = \([0-9]*\)/\1/p' FyneApp.toml)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+"; fi
ldflags="-s -w -X main.version=$version -X main.commit=$commit"
dist=dist
linux="$dist/amis-jury-$version-linux-amd64.tar.xz"
windows="$dist/amis-jury-$version-windows-amd64.exe"
# Artefacts of an earlier run (another version) would end up beside the new
# ones and in no checksum file.
rm -f "$dist"/amis-jury-* "$dist/SHA256SUMS"
mkdir -p "$dist"
start=$(date +%s)
since() { echo "$(($(date +%s) - $1)) s"; }

echo "== Linux: go build, fyne package"
step=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -trimpath -ldflags "$ldflags" -o "$work/amis-jury" ./cmd/amis
"$work/amis-jury" version
# fyne package writes "<Name>.tar.xz" into the current folder, and rewrites the
# FyneApp.toml it reads (reformatted, Build + 1): it is put back as it was.
cp -p FyneApp.toml "$work/FyneApp.toml"
(cd "$work" && fyne package --os linux --src "$OLDPWD" --exe "$work/amis-jury" --release \
  --app-version "$version" --app-build "${build:-1}" >/dev/null) || status=$?
cp -p "$work/FyneApp.toml" FyneApp.toml
[ -z "${status:-}" ] || exit "$status"
mv "$work"/*.tar.xz "$linux"
tar -tJf "$linux" | sed 's/^/  /'
echo "  Linux done in $(since "$step")"

echo "== Windows: cross-build with MinGW-w64 (cgo: SQLite, GLFW; long on a cold build cache)"
step=$(date +%s)
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
  go build -trimpath -ldflags "$ldflags -H=windowsgui" -o "$windows" ./cmd/amis
file "$windows" 2>/dev/null | sed 's/^/  /' || true
# The .exe cannot run here: check that it carries the version stamp.
if ! grep -aq -- "$commit" "$windows"; then
  echo "package: $windows does not carry the commit $commit" >&2
  exit 1
fi
echo "  Windows done in $(since "$step")"

(cd "$dist" && sha256sum "$(basename "$linux")" "$(basename "$windows")" >SHA256SUMS)
echo "== dist/ ($(since "$start"))"
ls -l "$dist" | sed 's/^/  /'
echo "  Linux binary: $(stat -c %s "$work/amis-jury") bytes; Windows .exe: $(stat -c %s "$windows") bytes"
