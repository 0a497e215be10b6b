#!/usr/bin/env python3
"""Counts the images of every post as the generator published them and as herald renders
them, so no image a reader of the site sees is missing from the feeds.

usage:
  scripts/image-count.py record NAME TRUTH_CSV GENERATOR_OUTPUT BASE_URL OUT_CSV
      count <img> in each post's page of a generator build (e.g. `hugo -d out` with a
      layout that prints only .Content) and write source,images to OUT_CSV
  scripts/image-count.py compare CORPUS_DIR RECORDED_DIR [HERALD]
      run herald --site on each corpus whose counts are recorded and compare, post by post

The recorded counts for hugo-linkerd, flink-hugo (Debian's hugo 0.111) and jekyll-cordova
(Debian's jekyll 4.3) are in tests/corpus/images/.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
site_check = __import__("site-check")


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.count += 1


def images(html):
    parser = Images()
    parser.feed(html)
    return parser.count


def record(name, truth_csv, output, base, out_csv):
    rows = []
    with open(truth_csv, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            source, url = row[0], row[1]
            if header[0] == "file":  # flink-*-permalinks.csv
                source = "content/posts/" + source
            path = url[len(base):].lstrip("/")
            page = os.path.join(output, path, "index.html") if url.endswith("/") else os.path.join(output, path)
            with open(page, encoding="utf-8") as p:
                rows.append((source, images(p.read())))
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "images"])
        w.writerows(sorted(rows))
    print(f"{name}: {len(rows)} posts, {sum(n for _, n in rows)} images")


def compare(corpus, recorded, binary):
    failed = False
    print("| blog | posts | images the generator shows | images herald renders | posts missing an image |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as scratch:
        for file in sorted(os.listdir(recorded)):
            name = file[: -len(".csv")]
            with open(os.path.join(recorded, file), newline="") as f:
                theirs = {row["source"]: int(row["images"]) for row in csv.DictReader(f)}
            root, _ = site_check.layout(corpus, name, scratch)
            out = subprocess.run([binary, "--site", root, "entries", "--json"], capture_output=True, text=True)
            ours = {os.path.relpath(e["source"], root): images(e["content_html"]) for e in json.loads(out.stdout)}
            missing = [(s, n, ours.get(s)) for s, n in theirs.items() if ours.get(s, -1) < n]
            for source, n, got in missing:
                print(f"  {name}: {source}: the generator shows {n}, herald {got}")
            print(f"| {name} | {len(theirs)} | {sum(theirs.values())} | {sum(ours.get(s, 0) for s in theirs)} | {len(missing)} |")
            failed |= bool(missing)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:7])
    else:
        binary = sys.argv[4] if len(sys.argv) > 4 else os.path.join(site_check.REPO, "target/release/herald")
        compare(os.path.abspath(sys.argv[2]), sys.argv[3], os.path.abspath(binary))
