#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Checks a MeshDeck .deb without installing it system-wide: its metadata and file list, the desktop
# entry and AppStream metadata (validated), then the package unpacked into a scratch root, where
# `meshdeck --version` must answer and the installed demo cluster must find its resources and serve.
#   scripts/lib/check-deb.sh FILE.deb
set -euo pipefail
deb=$(realpath "$1")
root=$(mktemp -d -t meshdeck-deb.XXXXXX)
demo=""
cleanup() {
  [[ -n $demo ]] && kill "$demo" 2>/dev/null && wait "$demo" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }

[[ $(dpkg-deb --field "$deb" Package) == meshdeck ]] || fail "package name is not meshdeck"
depends=$(dpkg-deb --field "$deb" Depends)
for lib in libqt6widgets6 libqt6charts6 libcurl4 libyaml-cpp; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for file in ./usr/bin/meshdeck ./usr/bin/meshdeck-democluster \
  ./usr/share/applications/io.meshdeck.MeshDeck.desktop \
  ./usr/share/icons/hicolor/scalable/apps/io.meshdeck.MeshDeck.svg \
  ./usr/share/metainfo/io.meshdeck.MeshDeck.metainfo.xml \
  ./usr/share/meshdeck/resources/scenarios/bookinfo.yaml \
  ./usr/share/meshdeck/resources/istio-samples/bookinfo.yaml; do
  grep -qxF "$file" <<<"$contents" || fail "$file is missing"
done
# Nothing but the two programs and their data: no tests, benchmarks, headers or static libraries.
unexpected=$(grep -vE '^\./(usr/(bin/(meshdeck(-democluster)?)?|share/((applications|icons|metainfo|meshdeck|doc)(/.*)?)?)?)?$' \
  <<<"$contents" || true)
[[ -z $unexpected ]] || fail "unexpected files: $unexpected"

dpkg -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/io.meshdeck.MeshDeck.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/io.meshdeck.MeshDeck.metainfo.xml" >/dev/null
exec_line=$(sed -n 's/^Exec=//p' "$root/usr/share/applications/io.meshdeck.MeshDeck.desktop")
[[ -x $root/usr/bin/${exec_line%% *} ]] || fail "Exec=$exec_line is not an installed program"
icon=$root/usr/share/icons/hicolor/scalable/apps/io.meshdeck.MeshDeck.svg
grep -q "<svg " "$icon" && grep -q "</svg>" "$icon" || fail "the icon is no SVG"

version=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/meshdeck" --version 2>/dev/null)
[[ $version =~ ^meshdeck\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "meshdeck --version said: $version"

# The installed demo cluster, started with no --resources, must read the unpacked resources.
"$root/usr/bin/meshdeck-democluster" --port 0 --kubeconfig-out "$root/kubeconfig" --prometheus off \
  >"$root/ready" 2>"$root/democluster.log" &
demo=$!
for _ in $(seq 1 300); do
  grep -q ready "$root/ready" 2>/dev/null && break
  kill -0 "$demo" 2>/dev/null || fail "the installed demo cluster failed: $(cat "$root/democluster.log")"
  sleep 0.1
done
grep -q ready "$root/ready" || fail "the installed demo cluster was not ready in 30 s"
# And it was the unpacked resources it read, not the source tree's: a missing scenario names them.
missing=$("$root/usr/bin/meshdeck-democluster" --port 0 --kubeconfig-out "$root/kubeconfig2" --prometheus off \
  --scenario no-such-scenario 2>&1 || true)
[[ $missing == *"$root/usr/share/meshdeck/resources/scenarios/no-such-scenario.yaml"* ]] \
  || fail "the installed demo cluster does not look in its installed resources: $missing"
echo "check-deb: $(basename "$deb") is complete; $version; the installed demo cluster serves"
