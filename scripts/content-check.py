#!/usr/bin/env python3
"""Checks the content herald renders for every post of real blogs: no template tag left
outside code (`{{<`, `{{%`, `{%`, `{{ `), no relative URL, no escaped markup (`<img`, `<a `
shown as text) outside code, no Zola `@/` link; and counts each post's images.

usage: scripts/content-check.py CORPUS_DIR [HERALD]

Reads hugo-linkerd/, zola-rust-osdev/ and jekyll-cordova/ with `--site`, and the Flink
blog in Hugo and Jekyll form laid out as their sites (as scripts/site-check.py does).
Prints a row per blog and every finding; exits 1 on any finding.
"""

import json
import os
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
site_check = __import__("site-check")

TAGS = ["{{<", "{{%", "{%", "{{ "]


class Reader(HTMLParser):
    """Text outside <pre>/<code>, every URL attribute, and the images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.code = 0
        self.prose = []
        self.urls = []
        self.images = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "code"):
            self.code += 1
        if tag == "img":
            self.images += 1
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append(value)

    def handle_endtag(self, tag):
        if tag in ("pre", "code"):
            self.code = max(0, self.code - 1)

    def handle_data(self, data):
        if self.code == 0:
            self.prose.append(data)


def findings_of(entry):
    reader = Reader()
    reader.feed(entry["content_html"])
    prose = "".join(reader.prose)
    found = []
    for tag in TAGS:
        if tag in prose:
            at = prose.index(tag)
            found.append(f"unexpanded `{tag}`: …{prose[max(0, at - 30):at + 40]!r}…")
    for marker in ("<img", "<a "):
        if marker in prose:
            found.append(f"markup shown as text: `{marker}`")
    for url in reader.urls:
        if url.startswith("@/"):
            found.append(f"Zola link left as written: {url}")
        elif not (url.startswith("https://") or url.startswith("http://") or url.startswith("mailto:")):
            found.append(f"relative URL: {url}")
    return found, reader.images


def main():
    corpus = os.path.abspath(sys.argv[1])
    binary = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(site_check.REPO, "target/release/herald")
    failed = False
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in ["hugo-linkerd", "zola-rust-osdev", "jekyll-cordova", "flink-hugo", "flink-jekyll"]:
            root, _ = site_check.layout(corpus, name, scratch)
            out = subprocess.run([binary, "--site", root, "--drafts", "--future", "entries", "--json"], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{name}: entries failed: {out.stderr[-1000:]}")
                failed = True
                continue
            entries = json.loads(out.stdout)
            images = 0
            problems = 0
            for entry in entries:
                found, count = findings_of(entry)
                images += count
                for f in found:
                    print(f"  {name}: {os.path.relpath(entry['source'], root)}: {f}")
                problems += len(found)
            check = subprocess.run([binary, "--site", root, "--drafts", "--future", "check"], capture_output=True, text=True)
            warnings = check.stderr.count(": warning: ")
            rows.append((name, len(entries), images, problems, warnings))
            failed |= problems > 0
    print("| blog | posts | images in the content | findings | warnings from `check` (theme shortcodes, unknown variables) |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
