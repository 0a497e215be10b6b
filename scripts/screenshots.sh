#!/usr/bin/env bash
# Screenshots of digests in headless Chromium (Debian's `chromium`) for the README.
#
# usage: scripts/screenshots.sh [SITE WEEK]
#
# Always: the shipped 2020-W36 digest on a desktop at 800 px, on a 375 px phone whose client
# ignores <style> (the @media rules gone, as in Gmail's mobile web client), and in dark mode.
# With SITE (a Hugo, Jekyll or Zola site's root) and WEEK: that week's digest on a 375 px
# phone, light and dark, as docs/digest-phone-week-{light,dark}.png. Images whose URL is
# under the site's base URL are shown from the site's own files (no network is used); others
# are left as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
herald=target/release/herald
cargo build --quiet --release
"$herald" --now 2020-09-07T09:00:00Z digest --week 2020-W36 --out "$work" >/dev/null
python3 - "$work" <<'PY'
import re, sys
html = open(f"{sys.argv[1]}/digest-2020-W36.html").read()
open(f"{sys.argv[1]}/no-style.html", "w").write(re.sub(r"<style>.*?</style>", "", html, flags=re.S))
PY
shot() { # size file page [flags]
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --allow-file-access-from-files --user-data-dir="$work/profile" \
    --window-size="$1" --screenshot="docs/$2" "${@:4}" "file://$work/$3" 2>/dev/null
}
shot 800,1100 digest-desktop.png digest-2020-W36.html
shot 375,1400 digest-phone-no-media.png no-style.html
shot 800,1100 digest-dark.png digest-2020-W36.html --blink-settings=preferredColorScheme=0
echo "wrote docs/digest-desktop.png, docs/digest-phone-no-media.png, docs/digest-dark.png"

[ $# -eq 2 ] || exit 0
site=$1 week=$2
"$herald" --site "$site" digest --week "$week" --out "$work/week" >/dev/null
# A headless window cannot be narrower than 500 px: the page is laid out in a 375 px frame.
height=$(python3 - "$work/week/digest-$week.html" "$site" "$herald" "$work" <<'PY'
import json, os, re, subprocess, sys
page, site, herald, work = sys.argv[1:]
html = open(page, encoding="utf-8").read()
base = json.loads(subprocess.run([herald, "--site", site, "entries", "--json"],
                                 capture_output=True, text=True).stdout)[0]["permalink"]
base = re.match(r"https?://[^/]+", base).group(0)
def local(match):
    url = match.group(1)
    if url.startswith(base):
        path = url[len(base):].split("?")[0]
        for root, _, _ in os.walk(site):
            candidate = os.path.join(root, path.lstrip("/"))
            if os.path.isfile(candidate):
                return f'src="file://{os.path.abspath(candidate)}"'
    return match.group(0)
html = re.sub(r'src="([^"]+)"', local, html)
open(os.path.join(work, "week.html"), "w", encoding="utf-8").write(html)
# The frame's height: the page's, measured in a first pass.
probe = os.path.join(work, "probe.html")
open(probe, "w").write('<!DOCTYPE html><body style="margin:0"><iframe src="week.html" '
                       'style="width:375px;height:100px;border:0"></iframe><script>'
                       'addEventListener("load",function(){var d=document.querySelector("iframe").contentDocument;'
                       'document.documentElement.setAttribute("data-h",d.documentElement.scrollHeight)})</script>')
out = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                      "--allow-file-access-from-files", "--window-size=500,900",
                      "--virtual-time-budget=5000", "--dump-dom", "file://" + probe],
                     capture_output=True, text=True).stdout
height = int(re.search(r'data-h="(\d+)"', out).group(1))
open(os.path.join(work, "frame.html"), "w").write(
    f'<!DOCTYPE html><body style="margin:0"><iframe src="week.html" '
    f'style="width:375px;height:{height}px;border:0;display:block"></iframe>')
print(height)
PY
)
shot "375,$height" digest-phone-week-light.png frame.html
shot "375,$height" digest-phone-week-dark.png frame.html --blink-settings=preferredColorScheme=0
echo "wrote docs/digest-phone-week-light.png, docs/digest-phone-week-dark.png ($week, 375 x $height px)"
