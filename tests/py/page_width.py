"""How wide an email's HTML lays out on a phone: headless Chromium, in a 375 px frame.

usage: page_width.py FILE.html [FILE.html ...]

For each file, prints one JSON line {"file", "styled", "unstyled"}: the page's scroll width
in CSS pixels as it is, and with every <style> element removed (as mail clients that drop
<style> show it). Every image is first replaced by a local 1,200 x 300 px PNG, so that an
image's own size is tested without the network. Needs `chromium` on PATH.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def png(width, height):
    """A grey PNG of the given size."""
    row = b"\x00" + b"\x80\x80\x80" * width
    raw = zlib.compress(row * height)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))


# Each page is laid out in a frame exactly 375 px wide (a browser window cannot be made that
# narrow), and each frame's document is measured from outside once all have loaded.
FRAME = """<!DOCTYPE html><html><body style="margin:0">%s
<script>
window.addEventListener('load', function () {
  var widths = [];
  document.querySelectorAll('iframe').forEach(function (f) {
    var d = f.contentDocument;
    widths.push(Math.max(d.documentElement.scrollWidth, d.body.scrollWidth));
  });
  document.documentElement.setAttribute('data-widths', widths.join(','));
});
</script></body></html>"""


def widths(browser, pages, work):
    """The laid-out width of each HTML text in `pages`, in order."""
    frames = []
    for i, html in enumerate(pages):
        with open(os.path.join(work, f"page{i}.html"), "w", encoding="utf-8") as f:
            f.write(html)
        frames.append(f'<iframe src="page{i}.html" style="width:375px;height:812px;border:0"></iframe>')
    frame = os.path.join(work, "frame.html")
    with open(frame, "w", encoding="utf-8") as f:
        f.write(FRAME % "\n".join(frames))
    out = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", "--window-size=800,900",
         "--virtual-time-budget=10000", "--dump-dom", "file://" + frame],
        capture_output=True, text=True, timeout=600, check=True).stdout
    found = re.search(r'data-widths="([\d,]*)"', out)
    if not found:
        raise SystemExit(f"no width measured: {out[:500]}")
    return [int(w) for w in found.group(1).split(",")]


def main():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SystemExit("chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as work:
        image = os.path.join(work, "wide.png")
        with open(image, "wb") as f:
            f.write(png(1200, 300))
        pages = []
        for name in sys.argv[1:]:
            with open(name, encoding="utf-8") as f:
                html = f.read()
            html = re.sub(r'(<img\b[^>]*\bsrc=")[^"]*"', r'\g<1>file://' + image + '"', html)
            pages.append(html)
            pages.append(re.sub(r"<style\b.*?</style>", "", html, flags=re.S))
        measured = widths(browser, pages, work)
        for i, name in enumerate(sys.argv[1:]):
            print(json.dumps({"file": name, "styled": measured[2 * i],
                              "unstyled": measured[2 * i + 1]}), flush=True)

if __name__ == "__main__":
    main()
