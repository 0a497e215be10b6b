#!/usr/bin/env bash
# Screenshots of the 2020-W36 digest in headless Chromium (Debian's `chromium`) for the
# README: desktop at 800 px, a 375 px phone whose client ignores <style> (the @media rules
# gone, as in Gmail's mobile web client), and dark mode. usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --quiet --release -- --now 2020-09-07T09:00:00Z digest --week 2020-W36 --out "$work" >/dev/null
python3 - "$work" <<'PY'
import re, sys
html = open(f"{sys.argv[1]}/digest-2020-W36.html").read()
open(f"{sys.argv[1]}/no-style.html", "w").write(re.sub(r"<style>.*?</style>", "", html, flags=re.S))
PY
shot() { # size file page [flags]
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" --window-size="$1" \
    --screenshot="docs/$2" "${@:4}" "file://$work/$3" 2>/dev/null
}
shot 800,1100 digest-desktop.png digest-2020-W36.html
shot 375,1400 digest-phone-no-media.png no-style.html
shot 800,1100 digest-dark.png digest-2020-W36.html --blink-settings=preferredColorScheme=0
echo "wrote docs/digest-desktop.png, docs/digest-phone-no-media.png, docs/digest-dark.png"
